package dev.billing.testkit;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Test-data builders with sensible defaults: only say what the test is about.
 *
 * <p>Usage: {@code Subscription s = aSubscription().withCustomer("cus_1").withStatus(PAST_DUE).build();}
 *
 * <p>Instants default to millisecond precision (what every store keeps).
 */
public final class Builders {
    /** The default "now" of built objects. */
    public static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private Builders() {}

    public static SubscriptionBuilder aSubscription() {
        return new SubscriptionBuilder();
    }

    public static InvoiceBuilder anInvoice() {
        return new InvoiceBuilder();
    }

    public static EventBuilder anEvent() {
        return new EventBuilder();
    }

    public static PurchaseBuilder aPurchase() {
        return new PurchaseBuilder();
    }

    public static CustomerLink aCustomerLink(String userId, String customerId) {
        return new CustomerLink(UserId.of(userId), CustomerId.of(customerId), userId + "@example.com", T0);
    }

    /** A short random suffix so tests sharing one store do not collide. */
    public static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Fluent {@link Subscription} builder. */
    public static final class SubscriptionBuilder {
        private String id = unique("sub_");
        private String customerId = "cus_default";
        private SubscriptionStatus status = SubscriptionStatus.ACTIVE;
        private String priceId = "price_pro_monthly";
        private long quantity = 1;
        private Instant periodStart = T0;
        private Instant periodEnd = T0.plus(Duration.ofDays(30));
        private boolean cancelAtPeriodEnd;
        private Instant cancelAt;
        private Instant canceledAt;
        private Instant endedAt;
        private Instant trialStart;
        private Instant trialEnd;
        private Instant created = T0;
        private Map<String, String> metadata = new HashMap<>();
        private SourceVersion version = SourceVersion.snapshot(T0);
        private SubscriptionPricing pricing;

        public SubscriptionBuilder withId(String value) {
            this.id = value;
            return this;
        }

        public SubscriptionBuilder withCustomer(String value) {
            this.customerId = value;
            return this;
        }

        public SubscriptionBuilder withStatus(SubscriptionStatus value) {
            this.status = value;
            return this;
        }

        public SubscriptionBuilder withPrice(String value) {
            this.priceId = value;
            return this;
        }

        public SubscriptionBuilder withQuantity(long value) {
            this.quantity = value;
            return this;
        }

        public SubscriptionBuilder withPeriod(Instant start, Instant end) {
            this.periodStart = start;
            this.periodEnd = end;
            return this;
        }

        public SubscriptionBuilder cancelingAtPeriodEnd() {
            this.cancelAtPeriodEnd = true;
            return this;
        }

        public SubscriptionBuilder withCancelAt(Instant value) {
            this.cancelAt = value;
            return this;
        }

        public SubscriptionBuilder canceled(Instant at) {
            this.status = SubscriptionStatus.CANCELED;
            this.canceledAt = at;
            this.endedAt = at;
            return this;
        }

        public SubscriptionBuilder withTrial(Instant start, Instant end) {
            this.trialStart = start;
            this.trialEnd = end;
            return this;
        }

        public SubscriptionBuilder withCreated(Instant value) {
            this.created = value;
            return this;
        }

        public SubscriptionBuilder withMetadata(String key, String value) {
            this.metadata.put(key, value);
            return this;
        }

        public SubscriptionBuilder withVersion(SourceVersion value) {
            this.version = value;
            return this;
        }

        public SubscriptionBuilder withPricing(SubscriptionPricing value) {
            this.pricing = value;
            return this;
        }

        public SubscriptionBuilder snapshotAt(Instant eventCreated) {
            this.version = SourceVersion.snapshot(eventCreated);
            return this;
        }

        public SubscriptionBuilder refetchedAt(Instant fetchedAt) {
            this.version = SourceVersion.refetch(fetchedAt);
            return this;
        }

        public Subscription build() {
            return new Subscription(
                    id,
                    CustomerId.of(customerId),
                    status,
                    priceId,
                    quantity,
                    periodStart,
                    periodEnd,
                    cancelAtPeriodEnd,
                    cancelAt,
                    canceledAt,
                    endedAt,
                    trialStart,
                    trialEnd,
                    created,
                    metadata,
                    version,
                    pricing);
        }
    }

    /** Fluent {@link Invoice} builder. */
    public static final class InvoiceBuilder {
        private String id = unique("in_");
        private String customerId = "cus_default";
        private String subscriptionId;
        private InvoiceStatus status = InvoiceStatus.PAID;
        private String number = "INV-0001";
        private String currency = "usd";
        private long amountDue = 2900;
        private long amountPaid = 2900;
        private long amountRemaining;
        private Long tax;
        private String hostedUrl = "https://invoice.stripe.test/i/1";
        private String pdf = "https://invoice.stripe.test/i/1.pdf";
        private String billingReason = "subscription_cycle";
        private Instant periodStart = T0;
        private Instant periodEnd = T0.plus(Duration.ofDays(30));
        private Instant created = T0;
        private SourceVersion version = SourceVersion.snapshot(T0);

        public InvoiceBuilder withId(String value) {
            this.id = value;
            return this;
        }

        public InvoiceBuilder withCustomer(String value) {
            this.customerId = value;
            return this;
        }

        public InvoiceBuilder withSubscription(String value) {
            this.subscriptionId = value;
            return this;
        }

        public InvoiceBuilder withStatus(InvoiceStatus value) {
            this.status = value;
            return this;
        }

        public InvoiceBuilder withAmounts(long due, long paid) {
            this.amountDue = due;
            this.amountPaid = paid;
            this.amountRemaining = Math.max(0, due - paid);
            return this;
        }

        /** The invoice's tax in minor units (null: none computed, the default). */
        public InvoiceBuilder withTax(Long value) {
            this.tax = value;
            return this;
        }

        public InvoiceBuilder withCurrency(String value) {
            this.currency = value;
            return this;
        }

        public InvoiceBuilder withNumber(String value) {
            this.number = value;
            return this;
        }

        public InvoiceBuilder withCreated(Instant value) {
            this.created = value;
            return this;
        }

        public InvoiceBuilder withVersion(SourceVersion value) {
            this.version = value;
            return this;
        }

        public InvoiceBuilder withoutLinks() {
            this.hostedUrl = null;
            this.pdf = null;
            return this;
        }

        public Invoice build() {
            return new Invoice(
                    id,
                    CustomerId.of(customerId),
                    subscriptionId,
                    status,
                    number,
                    currency,
                    amountDue,
                    amountPaid,
                    amountRemaining,
                    tax,
                    hostedUrl,
                    pdf,
                    billingReason,
                    periodStart,
                    periodEnd,
                    created,
                    version);
        }
    }

    /** Fluent {@link StripeEvent} builder; the payload is a small unique JSON document unless given. */
    public static final class EventBuilder {
        private String id = unique("evt_");
        private String type = "customer.subscription.updated";
        private Instant created = T0;
        private boolean livemode;
        private String apiVersion = "2026-07-29.dahlia";
        private String objectId = "sub_default";
        private String objectType = "subscription";
        private String payload;
        private String subjectId;
        private boolean subjectSet;

        public EventBuilder withId(String value) {
            this.id = value;
            return this;
        }

        public EventBuilder withType(String value) {
            this.type = value;
            return this;
        }

        public EventBuilder createdAt(Instant value) {
            this.created = value;
            return this;
        }

        public EventBuilder live() {
            this.livemode = true;
            return this;
        }

        public EventBuilder withApiVersion(String value) {
            this.apiVersion = value;
            return this;
        }

        public EventBuilder forObject(String type, String objectId) {
            this.objectType = type;
            this.objectId = objectId;
            return this;
        }

        public EventBuilder withPayload(String value) {
            this.payload = value;
            return this;
        }

        /** Whom the event is about ({@link StripeEvent#subjectId}; its object unless set): a customer, a user. */
        public EventBuilder about(String subject) {
            this.subjectId = subject;
            this.subjectSet = true;
            return this;
        }

        public StripeEvent build() {
            String body = payload != null
                    ? payload
                    : "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type
                            + "\",\"created\":" + created.getEpochSecond() + ",\"livemode\":" + livemode
                            + ",\"data\":{\"object\":{\"id\":\"" + objectId + "\",\"object\":\"" + objectType + "\"}}}";
            return new StripeEvent(
                    id,
                    type,
                    created,
                    livemode,
                    apiVersion,
                    objectId,
                    objectType,
                    body,
                    subjectSet ? subjectId : objectId);
        }
    }

    /** Fluent {@link Purchase} builder. */
    public static final class PurchaseBuilder {
        private String id = unique("cs_");
        private String customerId = "cus_default";
        private String priceId = "price_credits_100";
        private long quantity = 1;
        private long amount = 1000;
        private String paymentIntentId = unique("pi_");
        private Instant purchasedAt = T0;
        private String currency = "usd";

        public PurchaseBuilder withId(String value) {
            this.id = value;
            return this;
        }

        public PurchaseBuilder withCustomer(String value) {
            this.customerId = value;
            return this;
        }

        public PurchaseBuilder withPrice(String value) {
            this.priceId = value;
            return this;
        }

        public PurchaseBuilder withQuantity(long value) {
            this.quantity = value;
            return this;
        }

        public PurchaseBuilder withAmount(long value) {
            this.amount = value;
            return this;
        }

        public PurchaseBuilder withCurrency(String value) {
            this.currency = value;
            return this;
        }

        public PurchaseBuilder purchasedAt(Instant value) {
            this.purchasedAt = value;
            return this;
        }

        public Purchase build() {
            return new Purchase(
                    id, CustomerId.of(customerId), priceId, quantity, currency, amount, paymentIntentId, purchasedAt);
        }
    }
}
