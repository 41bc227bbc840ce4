package dev.billing.testkit.fake;

import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.testkit.webhook.SvixSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link MembershipWebhookVerifier} for tests of the core: a delivery signed {@code "valid"} passes, and its body
 * is {@code orgId|userId|joined-or-left|epochMillis}, optionally followed by {@code |membershipId} (by default
 * {@link SvixSignature#membershipId} of the organization and user). The real Svix scheme and Clerk's payloads are
 * tested in the Clerk adapter.
 *
 * <p>Usage: {@code billing.receiveClerkWebhook("msg_1", "0", "valid", FakeMembershipWebhookVerifier.body("org_1", "user_1", true, T0));}
 */
public final class FakeMembershipWebhookVerifier implements MembershipWebhookVerifier {

    public static byte[] body(String orgId, String userId, boolean joined, Instant at) {
        return (orgId + "|" + userId + "|" + (joined ? "joined" : "left") + "|" + at.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The same for the membership {@code membershipId}: a member who joins again has another. */
    public static byte[] body(String orgId, String userId, boolean joined, Instant at, String membershipId) {
        return (orgId + "|" + userId + "|" + (joined ? "joined" : "left") + "|" + at.toEpochMilli() + "|"
                        + membershipId)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public StripeEvent verify(String svixId, String svixTimestamp, String svixSignature, byte[] payload, Instant now) {
        if (!"valid".equals(svixSignature)) {
            throw new WebhookRejectedException(WebhookRejectedException.Reason.NO_MATCHING_SIGNATURE, "bad signature");
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|");
        String action = parts.length > 2 && parts[2].equals("left") ? "deleted" : "created";
        Instant at = parts.length > 3 ? Instant.ofEpochMilli(Long.parseLong(parts[3])) : now;
        // About the member, as Clerk's verifier says (public_user_data.user_id).
        return new StripeEvent(
                svixId,
                TYPE_PREFIX + "organizationMembership." + action,
                at,
                false,
                null,
                null,
                null,
                new String(payload, StandardCharsets.UTF_8),
                parts.length > 1 ? parts[1] : null);
    }

    @Override
    public Optional<OrgMember> decode(StripeEvent event) {
        String[] parts = event.payload().split("\\|");
        if (parts.length != 4 && parts.length != 5) {
            return Optional.empty();
        }
        String membershipId = parts.length == 5 ? parts[4] : SvixSignature.membershipId(parts[0], parts[1]);
        return Optional.of(new OrgMember(
                parts[0],
                UserId.of(parts[1]),
                "org:member",
                parts[2].equals("joined"),
                Instant.ofEpochMilli(Long.parseLong(parts[3])),
                event.id(),
                membershipId));
    }
}
