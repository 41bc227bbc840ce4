package dev.billing.core.port;

import dev.billing.core.model.Identity;

/**
 * Turns a bearer token into a verified {@link Identity}.
 *
 * <p>Usage: {@code Identity who = verifier.verify(token);}
 *
 * <p>Implementations throw {@link dev.billing.core.error.IdentityRejectedException} for a token that is not
 * acceptable (missing, malformed, expired, wrong issuer, bad signature...) and
 * {@link dev.billing.core.error.IdentityUnavailableException} when keys cannot be obtained right now. They
 * never put the token in an exception message or a log line.
 */
public interface IdentityVerifier {

    /**
     * @param token the raw token without the {@code Bearer } prefix; may be null or blank (rejected as missing)
     */
    Identity verify(String token);
}
