package dev.billing.clerk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.MembershipWebhookVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Clerk's webhooks as Svix signs them: HMAC-SHA256 over {@code svix-id.svix-timestamp.body} under the endpoint's
 * signing secret ({@code whsec_} and base64), sent as a space-separated list of {@code v1,<base64>} signatures.
 * Any signature under any configured secret passes, so a secret can be rotated without a gap; a timestamp more
 * than five minutes from now is refused, so a captured delivery cannot be replayed later.
 *
 * <p>Membership events ({@code organizationMembership.created}, {@code .updated}, {@code .deleted}) become
 * {@link OrgMember} changes dated by the event's {@code timestamp}, the instant Clerk made the change, which orders
 * them whatever order they arrive in, and carrying Clerk's membership id, which finds the record whatever erasure did
 * to its user id. One whose organization, user or membership is missing or not a Clerk id ({@code org_...},
 * {@code user_...}, {@code orgmem_...}) is refused at {@link #verify}, before anything is stored, as is any body that
 * names a key twice in one object (which of the two a reader takes is not something a signature settles).
 *
 * <p>Usage: {@code ClerkWebhookVerifier.create(List.of(signingSecret))} with the endpoint's {@code whsec_...}
 * secret from Clerk's dashboard (two during a rotation: {@code List.of(newSecret, oldSecret)}).
 */
public final class ClerkWebhookVerifier implements MembershipWebhookVerifier {
    /** Svix's tolerance, both ways. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final int MAX_SIGNATURES = 16;
    private static final Pattern SVIX_ID = Pattern.compile("[A-Za-z0-9_\\-]{1,255}");
    private static final String MEMBERSHIP = "organizationMembership.";
    /** Clerk's ids: their kind's prefix and base62, as long as an organization's account id may be. */
    private static final Pattern ORG_ID = Pattern.compile("org_[A-Za-z0-9]{1,64}");

    private static final Pattern USER_ID = Pattern.compile("user_[A-Za-z0-9]{1,64}");
    private static final Pattern MEMBERSHIP_ID = Pattern.compile("orgmem_[A-Za-z0-9]{1,64}");
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(32).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final List<byte[]> secrets;

    private ClerkWebhookVerifier(List<byte[]> secrets) {
        this.secrets = secrets;
    }

    /**
     * @param secrets the endpoint's signing secrets ({@code whsec_...}), the current one and, while rotating, the
     *                previous one
     * @throws IllegalArgumentException naming the position of a secret that is not a Svix signing secret (never the
     *                                  secret itself)
     */
    public static ClerkWebhookVerifier create(List<String> secrets) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one Clerk webhook signing secret (whsec_...) is needed");
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i) == null ? "" : secrets.get(i).strip();
            String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
            try {
                byte[] key = Base64.getDecoder().decode(encoded);
                if (key.length < 16) {
                    throw new IllegalArgumentException("too short");
                }
                keys.add(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Clerk webhook secret #" + (i + 1) + " is not a Svix signing "
                        + "secret (whsec_ followed by base64, as Clerk's dashboard shows it)");
            }
        }
        return new ClerkWebhookVerifier(List.copyOf(keys));
    }

    @Override
    public StripeEvent verify(String svixId, String svixTimestamp, String svixSignature, byte[] payload, Instant now) {
        if (isBlank(svixId) || isBlank(svixTimestamp) || isBlank(svixSignature)) {
            throw new WebhookRejectedException(
                    Reason.MISSING_SIGNATURE,
                    "A Clerk webhook needs the svix-id, " + "svix-timestamp and svix-signature headers.");
        }
        if (!SVIX_ID.matcher(svixId).matches()) {
            throw new WebhookRejectedException(Reason.MALFORMED_SIGNATURE, "svix-id is not a Svix message id.");
        }
        long seconds;
        try {
            seconds = Long.parseLong(svixTimestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_SIGNATURE, "svix-timestamp is not a number of " + "seconds.");
        }
        long age = now.getEpochSecond() - seconds;
        if (age > TOLERANCE.toSeconds()) {
            throw new WebhookRejectedException(
                    Reason.TIMESTAMP_TOO_OLD, "svix-timestamp is more than five minutes " + "old.");
        }
        if (-age > TOLERANCE.toSeconds()) {
            throw new WebhookRejectedException(
                    Reason.TIMESTAMP_IN_FUTURE, "svix-timestamp is more than five " + "minutes in the future.");
        }
        checkSignature(svixId, seconds, svixSignature, payload);
        return envelope(svixId, seconds, payload);
    }

    private void checkSignature(String svixId, long seconds, String header, byte[] payload) {
        List<byte[]> offered = new ArrayList<>();
        for (String part : header.strip().split(" +")) {
            int comma = part.indexOf(',');
            if (comma < 0) {
                throw new WebhookRejectedException(
                        Reason.MALFORMED_SIGNATURE, "svix-signature is not a list of " + "v1,<signature>.");
            }
            if (!part.substring(0, comma).equals("v1") || offered.size() == MAX_SIGNATURES) {
                continue; // other schemes (v1a: asymmetric) are not ours to check
            }
            try {
                offered.add(Base64.getDecoder().decode(part.substring(comma + 1)));
            } catch (IllegalArgumentException e) {
                throw new WebhookRejectedException(Reason.MALFORMED_SIGNATURE, "A svix-signature is not base64.");
            }
        }
        byte[] signed = signedContent(svixId, seconds, payload);
        for (byte[] secret : secrets) {
            byte[] expected = hmac(secret, signed);
            for (byte[] candidate : offered) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return;
                }
            }
        }
        throw new WebhookRejectedException(
                Reason.NO_MATCHING_SIGNATURE, "No svix-signature matches the configured " + "Clerk webhook secret.");
    }

    private static byte[] signedContent(String svixId, long seconds, byte[] payload) {
        byte[] prefix = (svixId + "." + seconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(payload, 0, all, prefix.length, payload.length);
        return all;
    }

    private static byte[] hmac(byte[] secret, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    private static StripeEvent envelope(String svixId, long seconds, byte[] payload) {
        JsonNode root = parse(payload);
        JsonNode type = root.path("type");
        if (!type.isTextual()
                || type.asText().isBlank()
                || type.asText().length() > 200
                || !root.path("data").isObject()) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD, "A Clerk event needs a type and a data " + "object.");
        }
        JsonNode data = root.path("data");
        Instant created = root.path("timestamp").canConvertToLong()
                ? Instant.ofEpochMilli(root.path("timestamp").asLong())
                : Instant.ofEpochSecond(seconds);
        StripeEvent event = new StripeEvent(
                svixId,
                TYPE_PREFIX + type.asText(),
                created,
                false,
                null,
                textOrNull(data.path("id")),
                textOrNull(data.path("object")),
                new String(payload, StandardCharsets.UTF_8),
                subjectOf(data));
        if (type.asText().startsWith(MEMBERSHIP)) {
            member(root, event, true); // refused now, not parked later: nothing about it is stored
        }
        return event;
    }

    /**
     * The user a Clerk event is about ({@link StripeEvent#subjectId}), so an erasure and an export find it: a
     * membership's {@code public_user_data.user_id}, a session's or email's {@code user_id}, else the object's own id
     * (a user's id for {@code user.*} events). The migration that added the column computes the same for stored
     * events (Postgres V19 {@code inbox_subject_of}, Supabase 018).
     */
    static String subjectOf(JsonNode data) {
        String member = textOrNull(data.path("public_user_data").path("user_id"));
        if (member != null) {
            return member;
        }
        String user = textOrNull(data.path("user_id"));
        return user != null ? user : textOrNull(data.path("id"));
    }

    @Override
    public Optional<OrgMember> decode(StripeEvent event) {
        String type = event.type().startsWith(TYPE_PREFIX) ? event.type().substring(TYPE_PREFIX.length()) : "";
        if (!type.startsWith(MEMBERSHIP)) {
            return Optional.empty();
        }
        boolean active = switch (type.substring(MEMBERSHIP.length())) {
            case "created", "updated" -> true;
            case "deleted" -> false;
            default ->
                throw new WebhookRejectedException(Reason.UNSUPPORTED_EVENT, "Unknown membership event " + type + ".");
        };
        return Optional.of(member(parse(event.payload().getBytes(StandardCharsets.UTF_8)), event, active));
    }

    /**
     * The change a membership event carries: its organization, user and membership, each a Clerk id, dated by the
     * event's {@code timestamp} (else the membership's {@code updated_at}, else the event's time).
     */
    private static OrgMember member(JsonNode root, StripeEvent event, boolean active) {
        JsonNode data = root.path("data");
        String orgId = textOrNull(data.path("organization").path("id"));
        String userId = textOrNull(data.path("public_user_data").path("user_id"));
        String membershipId = textOrNull(data.path("id"));
        if (orgId == null || userId == null || membershipId == null) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    "A membership event needs data.id, " + "data.organization.id and data.public_user_data.user_id.");
        }
        if (!ORG_ID.matcher(orgId).matches()
                || !USER_ID.matcher(userId).matches()
                || !MEMBERSHIP_ID.matcher(membershipId).matches()) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    "A membership event names an organization "
                            + "(org_...), user (user_...) or membership (orgmem_...) that is not a Clerk id.");
        }
        Instant changedAt = root.path("timestamp").canConvertToLong()
                ? Instant.ofEpochMilli(root.path("timestamp").asLong())
                : data.path("updated_at").canConvertToLong()
                        ? Instant.ofEpochMilli(data.path("updated_at").asLong())
                        : event.created();
        try {
            return new OrgMember(
                    orgId,
                    UserId.of(userId),
                    textOrNull(data.path("role")),
                    active,
                    changedAt,
                    event.id(),
                    membershipId);
        } catch (IllegalArgumentException e) {
            throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "A membership event's role is not text.");
        }
    }

    private static JsonNode parse(byte[] payload) {
        try {
            JsonNode root = JSON.readTree(payload);
            if (root == null || !root.isObject()) {
                throw new IOException("not an object");
            }
            return root;
        } catch (StreamReadException e) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
                            ? "The Clerk event names the same key twice in " + "one object."
                            : "The Clerk event is not a JSON object.");
        } catch (IOException | RuntimeException e) {
            throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "The Clerk event is not a JSON object.");
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
