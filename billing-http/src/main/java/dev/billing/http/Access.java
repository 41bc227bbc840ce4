package dev.billing.http;

/** Who may call a route, and which limits apply to it. */
public enum Access {
    /** Anyone; per-IP rate limit. */
    PUBLIC,
    /** Health checks: anyone, no rate limit. */
    HEALTH,
    /** A signed-in user (session token in {@code Authorization: Bearer} or the {@code __session} cookie); per-IP
     * and per-user rate limits. */
    USER,
    /** The admin token; per-IP rate limit; 404 when no admin token is configured. */
    ADMIN,
    /** Stripe's webhook deliveries, authenticated by their signature; no rate limit. */
    WEBHOOK
}
