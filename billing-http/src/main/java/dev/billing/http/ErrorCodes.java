package dev.billing.http;

/**
 * The stable error codes of each status, as /openapi.json describes each error answer (docs/HTTP_API.md, "Errors",
 * is the table for people). A field the route reads adds its own {@code invalid_<field>}.
 */
final class ErrorCodes {
    private ErrorCodes() {}

    /** What {@code error.code} holds, for the Error schema. */
    static final String CODE =
            "Stable and snake_case. 400: bad_request (a request line that cannot be decoded), invalid_json, "
                    + "unknown_field, missing_field, "
                    + "invalid_<field> (e.g. invalid_amount, invalid_quantity, invalid_cursor, invalid_limit), and the core's "
                    + "refusals (invalid_redirect_url, unknown_plan, unknown_item, invalid_promotion_code, unknown_meter, "
                    + "invalid_idempotency_key, subscription_ended, subscription_not_resumable, confirmation_required, "
                    + "invalid_checkout, invalid_act_as, not_open_to_guests, not_per_seat, invalid_webhook, "
                    + "refund_rejected, invalid_stripe_version, tax_requires_checkout, ...); "
                    + "401 unauthenticated, service_key_revoked, service_key_expired; 402 card_declined; 403 "
                    + "session_pending, origin_not_allowed, org_billing_forbidden, email_not_verified, "
                    + "address_not_allowed, insufficient_scope; 404 not_found, <resource>_not_found; 405 "
                    + "method_not_allowed; 409 already_subscribed, event_in_progress, no_subscription, "
                    + "no_payment_method, seats_below_members, seats_follow_members; 413 payload_too_large; 415 "
                    + "unsupported_media_type; 422 "
                    + "idempotency_key_reused; 429 rate_limited, quota_exceeded; 431 headers_too_large; 500 internal_error; "
                    + "502 stripe_error; 503 store_unavailable, stripe_unavailable, auth_unavailable, not_ready.";

    /** The description of an error answer of {@code status}, naming its codes. */
    static String describe(int status) {
        return switch (status) {
            case 400 ->
                "Invalid request: bad_request, invalid_json, unknown_field, missing_field, invalid_<field>, or the "
                        + "route's own refusal (see error.code)";
            case 401 ->
                "unauthenticated, or service_key_revoked / service_key_expired for a service key's right secret "
                        + "(WWW-Authenticate: Bearer)";
            case 402 -> "card_declined";
            case 403 ->
                "session_pending, origin_not_allowed, org_billing_forbidden, email_not_verified, "
                        + "address_not_allowed (a Stripe webhook from elsewhere, allowlist on) or insufficient_scope "
                        + "(a service key on a route or scope it may not use)";
            case 404 -> "not_found or <resource>_not_found (another account's object answers the same)";
            case 409 ->
                "already_subscribed, event_in_progress, no_subscription, no_payment_method, seats_below_members or "
                        + "seats_follow_members";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "idempotency_key_reused";
            case 429 -> "rate_limited (Retry-After) or quota_exceeded";
            case 431 -> "headers_too_large";
            case 502 -> "stripe_error";
            case 503 -> "store_unavailable, stripe_unavailable, auth_unavailable or not_ready (Retry-After)";
            default -> "internal_error";
        };
    }
}
