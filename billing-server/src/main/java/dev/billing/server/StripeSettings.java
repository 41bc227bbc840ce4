package dev.billing.server;

import dev.billing.stripe.StripeConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's settings read from the environment: {@code STRIPE_SECRET_KEY}, {@code STRIPE_WEBHOOK_SECRET}
 * (comma-separated during a rotation: {@code whsec_new,whsec_old}) and {@code STRIPE_API_BASE} (the emulator's URL in
 * tests; unset: Stripe). The adapter's values are made from them in {@link Adapters}.
 *
 * <p>Usage: {@code StripeSettings stripe = StripeSettings.read(reader);} (a field is null or empty, with the problem
 * in the reader, when it is missing or invalid)
 *
 * @param secretKey      {@code sk_live_...}, {@code sk_test_...} or {@code rk_...}
 * @param webhookSecrets the endpoint's signing secrets, blanks dropped
 * @param apiBase        another API base, or null for Stripe's
 */
record StripeSettings(String secretKey, List<String> webhookSecrets, URI apiBase, int requestsPerSecond) {
    static final String SECRET_KEY = "STRIPE_SECRET_KEY";
    static final String WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET";
    static final String API_BASE = "STRIPE_API_BASE";
    /** The most Stripe requests per second this process sends; unset: the adapter's default (StripeConfig). */
    static final String REQUESTS_PER_SECOND = "STRIPE_REQUESTS_PER_SECOND";

    StripeSettings {
        webhookSecrets = List.copyOf(webhookSecrets);
    }

    /** Reads the three variables; every problem is added to {@code r}, never repeating a secret. */
    static StripeSettings read(EnvReader r) {
        String key = r.required(SECRET_KEY, "your Stripe secret key (sk_live_... or sk_test_...)");
        if (key != null && !key.matches("(sk|rk)_(live|test)_[A-Za-z0-9_]+")) {
            r.problem(SECRET_KEY + ": not a Stripe secret key (expected sk_live_..., sk_test_... or rk_...)");
        }
        List<String> secrets = new ArrayList<>();
        String secretList = r.required(WEBHOOK_SECRET, "the webhook endpoint's signing secret (whsec_...)");
        if (secretList != null) {
            for (String s : secretList.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                if (!s.strip().matches("whsec_[A-Za-z0-9_]+")) {
                    r.problem(WEBHOOK_SECRET + ": every comma-separated entry must be a whsec_... secret");
                    break;
                }
                secrets.add(s.strip());
            }
        }
        return new StripeSettings(
                key,
                secrets,
                r.url(API_BASE, false),
                r.integer(REQUESTS_PER_SECOND, StripeConfig.DEFAULT_REQUESTS_PER_SECOND, 0, 100_000));
    }

    @Override
    public String toString() {
        return "StripeSettings[secretKey=" + ServerConfig.mask(secretKey) + ", webhookSecrets=" + webhookSecrets.size()
                + ", apiBase=" + apiBase + ", requestsPerSecond=" + requestsPerSecond + "]";
    }
}
