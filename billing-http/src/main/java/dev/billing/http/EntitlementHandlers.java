package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.usage.UsageOutcome;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/** What the caller may do: entitlements, quotas, and recording usage against them. */
final class EntitlementHandlers {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Users whose rendered answer is kept; the answer is kept only while the core returns the same object. */
    static final int RENDERED_USERS = 10_000;

    private final Billing billing;
    private final RenderCache<UserId> rendered;

    EntitlementHandlers(Billing billing, JsonCodec json) {
        this.billing = billing;
        this.rendered = new RenderCache<>(json, RENDERED_USERS);
    }

    /**
     * {@code GET /me/entitlements}. The core answers from its per-user cache with the same {@link Entitlements}
     * object until something changes; while it does, the JSON rendered for that object is reused (the hot path
     * of this route then does no serialization at all).
     */
    Object entitlements(Call call) {
        UserId user = call.user();
        String org = activeOrg(call);
        if (org != null && !user.isOrganization()) {
            return Responses.EntitlementsView.of(billing.entitlements(user, org));
        }
        Entitlements current = billing.entitlements(user);
        return Reply.json(200, rendered.render(user, current, Responses.EntitlementsView::of));
    }

    Object usage(Call call) {
        UserId user = call.user();
        String org = activeOrg(call);
        return Responses.UsageQuotas.of(
                org != null && !user.isOrganization()
                        ? billing.entitlements(user, org).effective()
                        : billing.entitlements(user));
    }

    /** The caller's active organization on the caller's own routes (the org routes act as the organization). */
    private static String activeOrg(Call call) {
        return call.identity().org() == null ? null : call.identity().org().orgId();
    }

    Object record(Call call) {
        Requests.Usage body = call.body(Requests.Usage.class);
        if (body.meter() == null) {
            throw new InvalidRequestException("missing_field", "meter", "meter is required.");
        }
        if (body.amount() == null) {
            throw new InvalidRequestException("missing_field", "amount", "amount is required.");
        }
        UserId user = call.user();
        String org = user.isOrganization() ? null : activeOrg(call);
        UsageOutcome outcome =
                billing.recordUsage(user, org, body.meter(), body.amount(), call.header(IDEMPOTENCY_KEY));
        UsageResult result = outcome.result();
        if (result instanceof UsageResult.Accepted accepted) {
            return Responses.UsageRecorded.of(
                    outcome.meter(), accepted.used(), accepted.limit(), outcome.period(), false);
        }
        if (result instanceof UsageResult.Replayed replayed) {
            return Responses.UsageRecorded.of(
                    outcome.meter(),
                    replayed.original().used(),
                    replayed.original().limit(),
                    outcome.period(),
                    true);
        }
        if (result instanceof UsageResult.QuotaExceeded exceeded) {
            String limit = exceeded.limit() == Tier.UNLIMITED ? "unlimited" : Long.toString(exceeded.limit());
            throw ApiException.of(
                    429,
                    "quota_exceeded",
                    "Quota exceeded for " + outcome.meter() + ": "
                            + exceeded.remaining() + " remaining of " + limit + " this period, " + exceeded.requested()
                            + " requested. The quota resets at "
                            + outcome.period().end() + ".");
        }
        throw ApiException.of(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request; use a new key.");
    }
}
