package dev.billing.clerk;

/**
 * The parts of a JWS protected header the verifier acts on, after {@link TokenShape} checked them.
 *
 * @param kid the key id, or null when the token has none; only ever used as a map key
 */
record TokenHeader(String kid) {}
