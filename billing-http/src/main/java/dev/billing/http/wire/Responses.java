package dev.billing.http.wire;

import dev.billing.core.model.Page;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.MemberEntitlements;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.payment.ListRefunds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Response bodies: the API's own records, mapped from the domain (domain records never go on the wire). Times are
 * ISO-8601 text, money is minor units plus a lowercase currency.
 */
public final class Responses {
    private Responses() {}

    public record Health(
            String status,
            String version,

            @OptionalField @Doc("Readiness only: each dependency's state, \"ok\" or \"failed (reason)\".")
            Map<String, String> checks) {
        public Health(String status, String version) {
            this(status, version, null);
        }
    }

    public record Customer(
            String customerId,

            @Doc("True when the user had no customer as this call began; concurrent "
                    + "first calls may all say true, and the customer is still one.")
            boolean created) {}

    public record CheckoutSession(
            String sessionId, @OptionalField String url) {}

    public record Portal(String url) {}

    public record ProductView(
            String id,
            String name,
            @OptionalField String description,
            boolean active,
            @OptionalField String defaultPriceId,
            Map<String, String> metadata,
            Instant created) {
        public static ProductView of(Product p) {
            return new ProductView(
                    p.id(), p.name(), p.description(), p.active(), p.defaultPriceId(), p.metadata(), p.created());
        }
    }

    public record ProductList(
            List<ProductView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {
        public static ProductList of(Page<Product> page) {
            return new ProductList(
                    page.items().stream().map(ProductView::of).toList(), page.hasMore(), page.nextCursor());
        }
    }

    public record PriceView(
            String id,
            String productId,
            boolean active,

            @OneOf(of = PriceType.class) @Doc("one_time or recurring")
            String type,

            String currency,
            @OptionalField Long unitAmount,

            @OptionalField @OneOf(of = BillingInterval.class) @Doc("day, week, month or year (recurring prices)")
            String interval,

            @OptionalField @Range(min = 1) Integer intervalCount,
            boolean metered,
            @OptionalField String nickname,
            @OptionalField String lookupKey,
            Map<String, String> metadata,
            Instant created) {
        public static PriceView of(Price p) {
            return new PriceView(
                    p.id(),
                    p.productId(),
                    p.active(),
                    p.type().stripeName(),
                    p.currency(),
                    p.unitAmount(),
                    p.recurring() == null ? null : p.recurring().interval().stripeName(),
                    p.recurring() == null ? null : p.recurring().intervalCount(),
                    p.recurring() != null && p.recurring().metered(),
                    p.nickname(),
                    p.lookupKey(),
                    p.metadata(),
                    p.created());
        }
    }

    public record PriceList(
            List<PriceView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {
        public static PriceList of(Page<Price> page) {
            return new PriceList(page.items().stream().map(PriceView::of).toList(), page.hasMore(), page.nextCursor());
        }
    }

    public record SubscriptionView(
            String id,

            @OneOf(of = SubscriptionStatus.class)
            @Doc("Stripe's status, or unrecognized for one this server does not know.")
            String status,

            @OptionalField @Doc("The catalog tier of the price, if it is one.")
            String tier,

            @OptionalField @OneOf(of = BillingInterval.class) @Doc("The catalog plan's interval, if the price is one.")
            String interval,

            @OptionalField String priceId,
            @Range(min = 0) long quantity,
            @OptionalField Instant currentPeriodStart,
            @OptionalField Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,
            @OptionalField Instant cancelAt,
            @OptionalField Instant canceledAt,
            @OptionalField Instant endedAt,
            @OptionalField Instant trialStart,
            @OptionalField Instant trialEnd,
            Instant created,

            @OptionalField @Doc("The coupon discounting it, when one is known.")
            DiscountView discount,

            @OptionalField
            @Doc("While past_due: when it turned past due, if known (dated by the webhook that showed it, on "
                    + "Stripe's clock); the grace counts from this or the period's start, whichever is later.")
            Instant pastDueSince) {
        public static SubscriptionView of(Subscription s, PlanCatalog catalog) {
            Plan plan = catalog.planForPrice(s.priceId()).orElse(null);
            return new SubscriptionView(
                    s.id(),
                    s.status().stripeName(),
                    plan == null ? null : plan.tier().name(),
                    plan == null ? null : plan.interval().stripeName(),
                    s.priceId(),
                    s.quantity(),
                    s.currentPeriodStart(),
                    s.currentPeriodEnd(),
                    s.cancelAtPeriodEnd(),
                    s.cancelAt(),
                    s.canceledAt(),
                    s.endedAt(),
                    s.trialStart(),
                    s.trialEnd(),
                    s.created(),
                    DiscountView.of(s.pricing()),
                    s.pastDueSince());
        }
    }

    @Doc("A discount: percentOff, or amountOff (minor units) in currency off each invoice.")
    public record DiscountView(
            @OptionalField Double percentOff,
            @OptionalField Long amountOff,
            @OptionalField String currency) {
        /** Null when there is no known discount. */
        public static DiscountView of(SubscriptionPricing pricing) {
            if (pricing == null || (pricing.percentOff() == null && pricing.amountOff() == 0)) {
                return null;
            }
            return pricing.percentOff() != null
                    ? new DiscountView(pricing.percentOff().doubleValue(), null, null)
                    : new DiscountView(null, pricing.amountOff(), pricing.amountOffCurrency());
        }
    }

    @Doc("A public promotion code and what Stripe says it gives.")
    public record CouponView(
            String code,
            @OptionalField Double percentOff,

            @OptionalField @Doc("Minor units off each discounted invoice.")
            Long amountOff,

            @OptionalField String currency,

            @OneOf(of = PromotionCode.Duration.class) @Doc("once, repeating (for durationInMonths) or forever.")
            String duration,

            @OptionalField Integer durationInMonths,

            @OptionalField @Doc("When the code stops working.")
            Instant expiresAt) {
        public static CouponView of(PromotionCode c) {
            return new CouponView(
                    c.code(),
                    c.percentOff() == null ? null : c.percentOff().doubleValue(),
                    c.amountOff() == 0 ? null : c.amountOff(),
                    c.amountOff() == 0 ? null : c.currency(),
                    c.duration().stripeName(),
                    c.durationInMonths(),
                    c.expiresAt());
        }
    }

    public record CouponList(List<CouponView> data) {
        public static CouponList of(List<PromotionCode> codes) {
            return new CouponList(codes.stream().map(CouponView::of).toList());
        }
    }

    public record SubscriptionList(List<SubscriptionView> data) {}

    @Doc("A card: brand, last four digits and expiry only.")
    public record PaymentMethodView(
            String id,
            String type,
            @OptionalField String brand,
            @OptionalField String last4,
            @OptionalField @Range(min = 1, max = 12) Integer expMonth,
            @OptionalField Integer expYear,
            boolean isDefault,
            Instant created) {
        public static PaymentMethodView of(PaymentMethod pm) {
            return new PaymentMethodView(
                    pm.id(),
                    pm.type(),
                    pm.card() == null ? null : pm.card().brand(),
                    pm.card() == null ? null : pm.card().last4(),
                    pm.card() == null ? null : pm.card().expMonth(),
                    pm.card() == null ? null : pm.card().expYear(),
                    pm.isDefault(),
                    pm.created());
        }
    }

    public record PaymentMethodList(List<PaymentMethodView> data) {}

    @Doc("Confirm it in the browser with Stripe.js (confirmCardSetup) using the client secret.")
    public record SetupIntent(String setupIntentId, String clientSecret) {}

    public record Deleted(String id, boolean deleted) {}

    public record InvoiceView(
            String id,
            @OptionalField String number,

            @OneOf(of = InvoiceStatus.class) @Doc("Stripe's status, or unrecognized for one this server does not know.")
            String status,

            String currency,
            long amountDue,
            long amountPaid,
            long amountRemaining,

            @Doc("What went back of the invoice's payment: the refunds of the payment intents "
                    + "that paid it that did not fail, from Stripe's webhooks; 0 when none.")
            long amountRefunded,

            @OptionalField
            @Range(min = 0)
            @Doc("Tax Stripe added (included in amountDue); absent when none was computed.")
            Long tax,

            @OptionalField String subscriptionId,
            @OptionalField String billingReason,

            @OptionalField @Doc("Stripe's hosted page to view and pay it.")
            String hostedInvoiceUrl,

            @OptionalField @Doc("The PDF.") String invoicePdf,
            @OptionalField Instant periodStart,
            @OptionalField Instant periodEnd,
            Instant created) {
        /** {@code refunded}: what went back of each invoice by id ({@code ListRefunds.refundedOf}); absent is 0. */
        public static InvoiceView of(Invoice i, Map<String, Long> refunded) {
            return new InvoiceView(
                    i.id(),
                    i.number(),
                    i.status().stripeName(),
                    i.currency(),
                    i.amountDue(),
                    i.amountPaid(),
                    i.amountRemaining(),
                    refunded.getOrDefault(i.id(), 0L),
                    i.tax(),
                    i.subscriptionId(),
                    i.billingReason(),
                    i.hostedInvoiceUrl(),
                    i.invoicePdf(),
                    i.periodStart(),
                    i.periodEnd(),
                    i.created());
        }
    }

    public record InvoiceList(
            List<InvoiceView> data,
            boolean hasMore,
            @OptionalField String nextCursor) {
        public static InvoiceList of(Page<Invoice> page, Map<String, Long> refunded) {
            return new InvoiceList(
                    page.items().stream().map(i -> InvoiceView.of(i, refunded)).toList(),
                    page.hasMore(),
                    page.nextCursor());
        }
    }

    public record PurchaseView(
            String id,
            String priceId,
            @OptionalField @Doc("The catalog item key.") String item,
            long quantity,
            String currency,
            long amountTotal,

            @Doc("What went back to the buyer: the refunds of the purchase's payment that did not "
                    + "fail, from Stripe's refund webhooks.")
            long amountRefunded,

            @OptionalField String paymentIntentId,
            Instant purchasedAt) {
        /** {@code refunds}: the owner's refunds, of which those of the purchase's payment count. */
        public static PurchaseView of(Purchase p, PlanCatalog catalog, List<PaymentRefund> refunds) {
            return new PurchaseView(
                    p.id(),
                    p.priceId(),
                    catalog.itemForPrice(p.priceId()).map(i -> i.key()).orElse(null),
                    p.quantity(),
                    p.currency(),
                    p.amountTotal(),
                    ListRefunds.refundedOf(p, refunds),
                    p.paymentIntentId(),
                    p.purchasedAt());
        }
    }

    public record PurchaseList(List<PurchaseView> data) {}

    @Doc("A refund of one of the account's payments, as Stripe reports it.")
    public record UserRefundView(
            String id,
            long amount,
            String currency,

            @Doc("pending, succeeded, failed, canceled or requires_action.")
            String status,

            @OptionalField @Doc("duplicate, fraudulent, requested_by_customer...")
            String reason,

            @OptionalField String paymentIntentId,
            @OptionalField String chargeId,
            Instant created) {
        public static UserRefundView of(PaymentRefund r) {
            return new UserRefundView(
                    r.id(),
                    r.amount(),
                    r.currency(),
                    r.status(),
                    r.reason(),
                    r.paymentIntentId(),
                    r.chargeId(),
                    r.created());
        }
    }

    public record UserRefundList(List<UserRefundView> data) {}

    public record QuotaView(
            String meter,
            @Range(min = 0) long used,

            @OptionalField @Range(min = 0) @Doc("Absent: unlimited.")
            Long limit,

            @OptionalField @Range(min = 0) @Doc("Absent: unlimited.")
            Long remaining,

            Instant resetsAt) {
        public static QuotaView of(Quota q) {
            return new QuotaView(
                    q.meter(),
                    q.used(),
                    q.unlimited() ? null : q.limit(),
                    q.unlimited() ? null : q.remaining(),
                    q.resetsAt());
        }
    }

    public record EntitlementsView(
            String tier,

            @OptionalField @OneOf(of = SubscriptionStatus.class)
            String status,

            @OptionalField String subscriptionId,
            @OptionalField Instant trialEnd,
            @OptionalField Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd,

            @OptionalField @Doc("Until when a past_due plan keeps its entitlements.")
            Instant graceEndsAt,

            List<String> features,
            List<QuotaView> quotas,
            @Doc("Catalog items bought once.") List<String> ownedItems,
            @OptionalField @Doc("A per-seat plan's seats.") SeatsView seats,

            @OptionalField
            @Doc("GET /me/entitlements with an active organization: where the "
                    + "tier, each feature and each quota come from.")
            SourcesView sources) {
        public static EntitlementsView of(Entitlements e) {
            return of(e, null);
        }

        public static EntitlementsView of(MemberEntitlements m) {
            if (m.organizationId() == null) {
                return of(m.effective(), null);
            }
            return of(
                    m.effective(),
                    new SourcesView(
                            m.organizationId(),
                            m.tierSource().wireName(),
                            wire(m.featureSources()),
                            wire(m.quotaSources())));
        }

        private static EntitlementsView of(Entitlements e, SourcesView sources) {
            return new EntitlementsView(
                    e.tier(),
                    e.status() == null ? null : e.status().stripeName(),
                    e.subscriptionId(),
                    e.trialEnd(),
                    e.currentPeriodEnd(),
                    e.cancelAtPeriodEnd(),
                    e.graceEndsAt(),
                    List.copyOf(new TreeSet<>(e.features())),
                    quotaViews(e.quotas()),
                    List.copyOf(new TreeSet<>(e.ownedItems())),
                    e.seats() == null
                            ? null
                            : new SeatsView(
                                    e.seats().purchased(),
                                    e.seats().used(),
                                    e.seats().overLimit()),
                    sources);
        }

        private static Map<String, String> wire(Map<String, MemberEntitlements.Source> sources) {
            Map<String, String> out = new TreeMap<>();
            sources.forEach((k, v) -> out.put(k, v.wireName()));
            return out;
        }
    }

    public record SourcesView(
            @Doc("The active organization.") String organizationId,

            @OneOf(of = MemberEntitlements.Source.class)
            @Doc("user or organization: whose plan the tier and subscription are.")
            String tier,

            @Doc("Each feature's source (user where both plans grant it).")
            Map<String, String> features,

            @Doc("Each quota's source: organization for a shared pool or the organization's "
                    + "larger per-user quota.")
            Map<String, String> quotas) {}

    public record SeatsView(
            @Range(min = 0) @Doc("Seats paid for.") long seats,

            @OptionalField @Range(min = 0) @Doc("Members (absent: membership is not synchronized).")
            Long seatsUsed,

            @Doc("More members than seats.") boolean overLimit) {}

    public record UsageQuotas(String tier, List<QuotaView> quotas) {
        public static UsageQuotas of(Entitlements e) {
            return new UsageQuotas(e.tier(), quotaViews(e.quotas()));
        }
    }

    public record UsageRecorded(
            String meter,
            @Range(min = 0) long used,

            @OptionalField @Range(min = 0) @Doc("Absent: unlimited.")
            Long limit,

            @OptionalField @Range(min = 0) @Doc("Absent: unlimited.")
            Long remaining,

            Instant resetsAt,

            @Doc("True when this Idempotency-Key was seen before: nothing was counted again.")
            boolean replayed) {
        public static UsageRecorded of(String meter, long used, long limit, UsagePeriod period, boolean replayed) {
            boolean unlimited = limit == dev.billing.core.model.catalog.Tier.UNLIMITED;
            return new UsageRecorded(
                    meter,
                    used,
                    unlimited ? null : limit,
                    unlimited ? null : Math.max(0, limit - used),
                    period.end(),
                    replayed);
        }
    }

    public record WebhookReceived(boolean received, boolean duplicate) {}

    public record GuestPurchaseList(List<GuestPurchaseView> data) {}

    public record GuestPurchaseView(
            String sessionId,
            String priceId,
            @OptionalField String item,
            long quantity,
            String currency,
            long amountTotal,
            Instant purchasedAt,

            @OptionalField
            @Doc("When the account claimed it; absent in an export for one paid with the account's "
                    + "email and not claimed yet.")
            Instant claimedAt) {
        public static GuestPurchaseView of(GuestPurchase p, PlanCatalog catalog) {
            return new GuestPurchaseView(
                    p.sessionId(),
                    p.priceId(),
                    catalog.itemForPrice(p.priceId()).map(CatalogItem::key).orElse(null),
                    p.quantity(),
                    p.currency(),
                    p.amountTotal(),
                    p.purchasedAt(),
                    p.claimedAt());
        }
    }

    public record LocalToken(String token, String userId, Instant expiresAt) {}

    private static List<QuotaView> quotaViews(List<Quota> quotas) {
        return quotas.stream()
                .map(QuotaView::of)
                .sorted(java.util.Comparator.comparing(QuotaView::meter))
                .toList();
    }
}
