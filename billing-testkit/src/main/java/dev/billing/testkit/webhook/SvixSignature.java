package dev.billing.testkit.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs test deliveries the way Svix signs Clerk's webhooks, and builds Clerk membership events: what a real
 * Clerk endpoint receives, so the real verifier is exercised.
 *
 * <p>Usage: {@code String sig = SvixSignature.sign(SECRET, "msg_1", now, body);} then send {@code svix-id},
 * {@code svix-timestamp} ({@code now.getEpochSecond()}) and {@code svix-signature: sig}
 */
public final class SvixSignature {
    /** A well-formed signing secret for tests. */
    public static final String SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("billing-test-clerk-webhook-secret".getBytes(StandardCharsets.UTF_8));

    private SvixSignature() {}

    /** {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>} under {@code secret} ({@code whsec_...}). */
    public static String sign(String secret, String svixId, Instant timestamp, byte[] body) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((svixId + "." + timestamp.getEpochSecond() + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Clerk {@code organizationMembership.<action>} event ({@code created}, {@code updated}, {@code deleted})
     * made at {@code at}, in the shape Clerk sends; the membership's id is {@link #membershipId} of the organization
     * and user.
     */
    public static String membershipEvent(String action, String orgId, String userId, String role, Instant at) {
        return membershipEvent(action, membershipId(orgId, userId), orgId, userId, role, at);
    }

    /** The same for the membership {@code membershipId} ({@code orgmem_...}): a member who joins again has another. */
    public static String membershipEvent(
            String action, String membershipId, String orgId, String userId, String role, Instant at) {
        long millis = at.toEpochMilli();
        return """
                {"data":{"object":"organization_membership","id":"%s","role":"%s","permissions":[],\
                "created_at":%d,"updated_at":%d,"organization":{"object":"organization","id":"%s","name":"Acme",\
                "slug":"acme"},"public_user_data":{"user_id":"%s","identifier":"%s@example.com"}},\
                "object":"event","type":"organizationMembership.%s","timestamp":%d,"instance_id":"ins_test"}""".formatted(membershipId, role, millis, millis, orgId, userId, userId, action, millis);
    }

    /** A membership id made of the organization's and the user's ids (Clerk's are base62 after the prefix). */
    public static String membershipId(String orgId, String userId) {
        return "orgmem_" + (orgId + userId).replaceAll("[^A-Za-z0-9]", "");
    }
}
