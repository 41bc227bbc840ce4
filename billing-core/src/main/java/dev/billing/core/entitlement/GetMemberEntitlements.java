package dev.billing.core.entitlement;

import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.MemberEntitlements;
import dev.billing.core.model.subscription.MemberEntitlements.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A member's entitlements: the better of their own plan and their active organization's (both from the
 * per-account cache of {@link GetEntitlements}).
 * <ul>
 *   <li>The tier, status and subscription are those of the higher-ranked plan (the user's on a tie).</li>
 *   <li>Features are those of both plans.</li>
 *   <li>A meter marked {@code shared} draws on the organization's pool where the organization's plan grants more of
 *       it than the user's own; any other meter is counted per user, up to the larger of the two plans' quotas, in
 *       the user's period.</li>
 * </ul>
 * {@link dev.billing.core.usage.RecordUsage#record(UserId, String, String, long, String)} counts usage by the same rules.
 *
 * <p>Usage: {@code MemberEntitlements e = getMemberEntitlements.of(UserId.of("user_1"), "org_2abc");}
 */
public final class GetMemberEntitlements {
    private final GetEntitlements entitlements;
    private final PlanCatalog catalog;

    public GetMemberEntitlements(GetEntitlements entitlements, PlanCatalog catalog) {
        this.entitlements = entitlements;
        this.catalog = catalog;
    }

    /** @param orgId the caller's active organization, or null */
    public MemberEntitlements of(UserId user, String orgId) {
        Entitlements own = entitlements.of(user);
        Map<String, Source> features = new LinkedHashMap<>();
        own.features().forEach(f -> features.put(f, Source.USER));
        Map<String, Source> quotaSources = new LinkedHashMap<>();
        own.quotas().forEach(q -> quotaSources.put(q.meter(), Source.USER));
        if (orgId == null) {
            return new MemberEntitlements(own, null, Source.USER, features, quotaSources);
        }
        Entitlements org = entitlements.of(UserId.of(orgId));
        Tier ownTier = tier(own.tier());
        Tier orgTier = tier(org.tier());
        org.features().forEach(f -> features.putIfAbsent(f, Source.ORGANIZATION));
        boolean orgWins = orgTier.rank() > ownTier.rank();
        Entitlements base = orgWins ? org : own;

        List<Quota> quotas = new ArrayList<>();
        quotaSources.clear();
        for (MeterDefinition meter : catalog.meters().values()) {
            String name = meter.name();
            Optional<Quota> orgQuota = find(org, name);
            if (drawsOnPool(meter, ownTier.quota(name), orgTier.quota(name)) && orgQuota.isPresent()) {
                quotas.add(orgQuota.get());
                quotaSources.put(name, Source.ORGANIZATION);
                continue;
            }
            long limit = larger(ownTier.quota(name), orgTier.quota(name));
            Optional<Quota> ownQuota = find(own, name);
            if (limit == 0 && ownQuota.isEmpty()) {
                continue;
            }
            Quota q = ownQuota.orElseGet(() -> entitlements.unlistedQuota(user, name));
            long remaining = limit == Tier.UNLIMITED ? Tier.UNLIMITED : Math.max(0, limit - q.used());
            quotas.add(new Quota(name, q.used(), limit, remaining, q.periodStart(), q.resetsAt()));
            quotaSources.put(name, limit == ownTier.quota(name) ? Source.USER : Source.ORGANIZATION);
        }
        Set<String> allFeatures = new LinkedHashSet<>(features.keySet());
        Entitlements effective = new Entitlements(
                user,
                base.tier(),
                base.status(),
                base.subscriptionId(),
                base.priceId(),
                base.trialEnd(),
                base.currentPeriodEnd(),
                base.cancelAtPeriodEnd(),
                base.graceEndsAt(),
                allFeatures,
                quotas,
                own.ownedItems(),
                own.evaluatedAt(),
                orgWins ? org.seats() : own.seats());
        return new MemberEntitlements(
                effective, orgId, orgWins ? Source.ORGANIZATION : Source.USER, features, quotaSources);
    }

    private Tier tier(String name) {
        return catalog.tier(name).orElse(catalog.freeTier());
    }

    private static Optional<Quota> find(Entitlements e, String meter) {
        return e.quotas().stream().filter(q -> q.meter().equals(meter)).findFirst();
    }

    /** Whether a member's use of {@code meter} goes to the organization's pool. */
    public static boolean drawsOnPool(MeterDefinition meter, long ownQuota, long orgQuota) {
        return meter.shared() && orgQuota > 0 && larger(ownQuota, orgQuota) != ownQuota;
    }

    public static long larger(long a, long b) {
        return a == Tier.UNLIMITED || b == Tier.UNLIMITED ? Tier.UNLIMITED : Math.max(a, b);
    }
}
