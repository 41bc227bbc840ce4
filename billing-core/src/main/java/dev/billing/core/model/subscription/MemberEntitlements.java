package dev.billing.core.model.subscription;

import java.util.Map;
import java.util.Objects;

/**
 * What a member of an organization may do: the better of their own plan and their active organization's.
 * {@code effective} is what applies (the higher-ranked tier with its subscription, every feature of both, each
 * meter's quota); the sources say where the tier, each feature and each quota come from.
 *
 * @param effective      the combined entitlements, for the user
 * @param organizationId the active organization, null when the caller has none (then everything is the user's)
 * @param tierSource     whose plan the tier and subscription fields are
 * @param featureSources each feature's source (the user's own where both grant it)
 * @param quotaSources   each quota's source: the organization's pool for meters marked shared that its plan grants,
 *                       the user's own counter otherwise
 */
public record MemberEntitlements(
        Entitlements effective,
        String organizationId,
        Source tierSource,
        Map<String, Source> featureSources,
        Map<String, Source> quotaSources) {
    /** Whose plan grants something. */
    public enum Source {
        USER,
        ORGANIZATION;

        public String wireName() {
            return this == USER ? "user" : "organization";
        }
    }

    public MemberEntitlements {
        Objects.requireNonNull(effective, "effective");
        Objects.requireNonNull(tierSource, "tierSource");
        featureSources = Map.copyOf(featureSources);
        quotaSources = Map.copyOf(quotaSources);
    }
}
