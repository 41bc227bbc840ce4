package dev.billing.stripe;

import dev.billing.testkit.webhook.StripeSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Stripe's webhook signing scheme, computed independently of the verifier, and the event fixtures. */
final class TestWebhooks {
    private TestWebhooks() {}

    /** {@code t=<t>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>}, as Stripe sends it. */
    static String header(String secret, long t, byte[] body) {
        return "t=" + t + ",v1=" + v1(secret, t, body);
    }

    static String v1(String secret, long t, byte[] body) {
        return StripeSignature.v1(secret, t, body);
    }

    /** The bytes of {@code src/test/resources/dev/billing/stripe/events/<name>}. */
    static byte[] fixture(String name) {
        try (InputStream in = TestWebhooks.class.getResourceAsStream("events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fixtureText(String name) {
        return new String(fixture(name), StandardCharsets.UTF_8);
    }
}
