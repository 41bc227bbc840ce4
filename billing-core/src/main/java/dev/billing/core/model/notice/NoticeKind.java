package dev.billing.core.model.notice;

import java.util.Optional;

/**
 * The kinds of notice, each named as the {@code X-Billing-Notice} header, the notice log and the admin API name it.
 *
 * <p>Usage: {@code NoticeKind.fromName("plan-changed")} is {@code Optional.of(PLAN_CHANGED)}
 */
public enum NoticeKind {
    SUBSCRIPTION_STARTED("subscription-started"),
    TRIAL_ENDING("trial-ending"),
    PAYMENT_FAILED("payment-failed"),
    RECEIPT("receipt"),
    PLAN_CHANGED("plan-changed"),
    SUBSCRIPTION_CANCELED("subscription-canceled"),
    RENEWAL_REMINDER("renewal-reminder"),
    REFUND_ISSUED("refund-issued");

    private final String wireName;

    NoticeKind(String wireName) {
        this.wireName = wireName;
    }

    /** The kind's name in headers, templates, the log and the API: {@code trial-ending}. */
    public String wireName() {
        return wireName;
    }

    /** The kind a name names, or empty. */
    public static Optional<NoticeKind> fromName(String name) {
        for (NoticeKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
