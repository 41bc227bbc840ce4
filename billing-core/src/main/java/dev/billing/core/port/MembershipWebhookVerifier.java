package dev.billing.core.port;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.event.StripeEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * Verifies Clerk's webhook deliveries (signed by Svix) and reads the organization membership changes they carry.
 * A verified delivery becomes an inbox event whose type starts with {@link #TYPE_PREFIX}, so it shares the
 * Stripe events' durable inbox, leases, retries and replay.
 *
 * <p>Usage: {@code StripeEvent e = verifier.verify(svixId, svixTimestamp, svixSignature, body, now);}
 */
public interface MembershipWebhookVerifier {
    /** What the type of every Clerk event in the inbox starts with: {@code clerk.organizationMembership.created}. */
    String TYPE_PREFIX = "clerk.";

    /**
     * Checks the delivery's signature (any of the signatures in {@code svix-signature} under any configured secret)
     * and its timestamp (at most five minutes from {@code now}), and reads its envelope.
     *
     * @throws dev.billing.core.error.WebhookRejectedException when it is not signed, signed wrongly, stale, or not a
     *                                                         Clerk event; nothing is to be stored then
     */
    StripeEvent verify(String svixId, String svixTimestamp, String svixSignature, byte[] payload, Instant now);

    /**
     * The membership change a stored Clerk event carries: empty for events that are not about memberships.
     *
     * @throws dev.billing.core.error.WebhookRejectedException when a membership event lacks what it needs
     */
    Optional<OrgMember> decode(StripeEvent event);
}
