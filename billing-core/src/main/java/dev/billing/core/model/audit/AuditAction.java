package dev.billing.core.model.audit;

import java.util.Optional;

/**
 * What an audit entry records. Each is stored as an entity and an action ({@code subscription}, {@code plan_changed})
 * and named on the wire as {@link #wireName()} ({@code subscription.plan_changed}). The projection's own changes are
 * recorded by the store with the write (once per real change); the others are recorded through
 * {@link dev.billing.core.port.AuditLog#record}.
 */
public enum AuditAction {
    /** A user or organization was linked to its Stripe customer. */
    CUSTOMER_LINKED("customer", "linked"),
    /** An erasure moved the link to a pseudonym. */
    CUSTOMER_PSEUDONYMISED("customer", "pseudonymised"),
    /**
     * The customer was deleted at Stripe: its link was retired (it names the account still), and the account's next
     * checkout links a new customer.
     */
    CUSTOMER_DELETED("customer", "deleted"),
    /** An admin re-read the customer's subscriptions and invoices from Stripe. */
    CUSTOMER_RECONCILED("customer", "reconciled"),
    SUBSCRIPTION_CREATED("subscription", "created"),
    /** A status change other than ending (trialing to active, active to past_due, ...). */
    SUBSCRIPTION_STATUS_CHANGED("subscription", "status_changed"),
    /** The price changed. */
    SUBSCRIPTION_PLAN_CHANGED("subscription", "plan_changed"),
    SUBSCRIPTION_QUANTITY_CHANGED("subscription", "quantity_changed"),
    /** A cancellation at the period end (or at a date) was scheduled. */
    SUBSCRIPTION_CANCEL_SCHEDULED("subscription", "cancel_scheduled"),
    /** A scheduled cancellation was withdrawn. */
    SUBSCRIPTION_RESUMED("subscription", "resumed"),
    /** The subscription ended (canceled or incomplete_expired). */
    SUBSCRIPTION_CANCELED("subscription", "canceled"),
    /**
     * A party was found holding a second live subscription (recorded once per duplicate, on the newer one; the
     * cancel that may follow is recorded by the store like any other).
     */
    SUBSCRIPTION_DUPLICATE("subscription", "duplicate"),
    INVOICE_PAID("invoice", "paid"),
    /** A payment attempt failed (recorded per Stripe event: the invoice itself usually stays open). */
    INVOICE_PAYMENT_FAILED("invoice", "payment_failed"),
    PURCHASE_RECORDED("purchase", "recorded"),
    /** A guest's purchase moved to the customer of the user who claimed it (the same purchase, not a new one). */
    PURCHASE_CLAIMED("purchase", "claimed"),
    /** An admin refunded a payment. */
    REFUND_CREATED("refund", "created"),
    /** An admin replayed an inbox event. */
    EVENT_REPLAYED("event", "replayed"),
    /** An account's personal data was erased; the entry names the pseudonym only. */
    ACCOUNT_ERASED("account", "erased"),
    /** An admin created a service API key (its id, name and scopes; never its secret). */
    SERVICE_KEY_CREATED("service_key", "created"),
    /** An admin gave a service key a new secret. */
    SERVICE_KEY_ROTATED("service_key", "rotated"),
    /** An admin revoked a service key. */
    SERVICE_KEY_REVOKED("service_key", "revoked");

    private final String entity;
    private final String action;

    AuditAction(String entity, String action) {
        this.entity = entity;
        this.action = action;
    }

    public String entity() {
        return entity;
    }

    public String action() {
        return action;
    }

    /**
     * Whether the entry is recorded through {@link dev.billing.core.port.AuditLog#record} (once per entity, action
     * and cause) rather than by the store with a projection write.
     */
    public boolean explicit() {
        return this == CUSTOMER_RECONCILED
                || this == INVOICE_PAYMENT_FAILED
                || this == REFUND_CREATED
                || this == EVENT_REPLAYED
                || this == ACCOUNT_ERASED
                || this == SUBSCRIPTION_DUPLICATE
                || entity.equals("service_key");
    }

    /**
     * Whether an explicit entry is recorded once per entity whatever its cause, rather than once per cause: a
     * refund's creation, since a retried refund request (a new request id, the same Idempotency-Key) gets Stripe's
     * same refund back and created nothing more; an account's erasure, which every run records and the first keeps
     * (the mark a later event about the erased account is recognised by).
     */
    public boolean oncePerEntity() {
        return this == REFUND_CREATED || this == ACCOUNT_ERASED;
    }

    /**
     * Whether an entry caused by {@code incoming} takes the place of the entity's entry recorded for a cause that is
     * not a request: a refund's creation, which its webhook records when the request that made the refund has not (the
     * request answered 503 after Stripe refunded, or the webhook came first), and which the request's entry, naming
     * who refunded, takes over when it comes. The entry keeps its id and time. Only for a {@link #oncePerEntity()}
     * action.
     */
    public boolean takenOverBy(AuditCause incoming) {
        return this == REFUND_CREATED && incoming.kind().isRequest();
    }

    public String wireName() {
        return entity + "." + action;
    }

    public static Optional<AuditAction> parse(String wireName) {
        for (AuditAction a : values()) {
            if (a.wireName().equals(wireName)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The action stored as {@code entity} and {@code action}. */
    public static Optional<AuditAction> of(String entity, String action) {
        return parse(entity + "." + action);
    }
}
