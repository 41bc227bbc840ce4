package dev.billing.testkit.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook signature, computed independently of any verifier: {@code t=<seconds>,v1=<hex HMAC-SHA256 of
 * "<seconds>." + body>}, as Stripe sends it in {@code Stripe-Signature}.
 *
 * <p>Usage: {@code String header = StripeSignature.header("whsec_...", Instant.now(), body);}
 */
public final class StripeSignature {
    private StripeSignature() {}

    public static String header(String secret, Instant at, byte[] body) {
        return "t=" + at.getEpochSecond() + ",v1=" + v1(secret, at.getEpochSecond(), body);
    }

    public static String header(String secret, Instant at, String body) {
        return header(secret, at, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The hex {@code v1} signature alone. */
    public static String v1(String secret, long epochSecond, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSecond + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
