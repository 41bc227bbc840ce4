package dev.billing.stripe;

import com.stripe.model.Coupon;
import com.stripe.model.Customer;
import com.stripe.model.Discount;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Price;
import com.stripe.model.Product;
import com.stripe.model.Refund;
import com.stripe.model.SetupIntent;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Recurring;
import dev.billing.core.model.payment.Card;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps stripe-java's models (as read through the API at the pinned version) into the core's records. The webhook
 * side reads raw JSON instead ({@link StripeJson}); {@code StripeMappingConsistencyIT} checks both agree.
 *
 * <p>A subscription's price, quantity, period and pricing come from its FIRST LICENSED item, its plan (API
 * 2025-03-31 and later keep the period there); its metered items bill usage and are not its plan. With only metered
 * items the first one is read, and without a quantity it counts as 1; a subscription without items has quantity 0.
 *
 * <p>Every method throws {@link IllegalArgumentException} (or {@link NullPointerException}) when Stripe's object
 * does not fit the core's model; the gateway turns that into an "unreadable answer" failure.
 */
final class StripeObjects {
    private StripeObjects() {}

    static dev.billing.core.model.catalog.Product product(Product p) {
        return new dev.billing.core.model.catalog.Product(
                p.getId(),
                p.getName(),
                p.getDescription(),
                bool(p.getActive()),
                p.getDefaultPrice(),
                p.getMetadata(),
                instant(p.getCreated()));
    }

    static dev.billing.core.model.catalog.Price price(Price p) {
        PriceType type = PriceType.parse(p.getType())
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown price type " + p.getType() + " on " + p.getId()));
        Recurring recurring = null;
        if (type == PriceType.RECURRING) {
            Price.Recurring r = required(p.getRecurring(), "recurring", p.getId());
            recurring = recurring(r.getInterval(), r.getIntervalCount(), r.getUsageType(), r.getMeter(), p.getId());
        }
        return new dev.billing.core.model.catalog.Price(
                p.getId(),
                required(p.getProduct(), "product", p.getId()),
                bool(p.getActive()),
                type,
                p.getCurrency(),
                p.getUnitAmount(),
                recurring,
                p.getNickname(),
                p.getLookupKey(),
                p.getMetadata(),
                instant(p.getCreated()));
    }

    static Recurring recurring(String interval, Long intervalCount, String usageType, String meter, String priceId) {
        BillingInterval parsed = BillingInterval.parse(interval)
                .orElseThrow(() -> new IllegalArgumentException("unknown interval " + interval + " on " + priceId));
        return new Recurring(
                parsed, intervalCount == null ? 1 : Math.toIntExact(intervalCount), "metered".equals(usageType), meter);
    }

    static dev.billing.core.model.subscription.Subscription subscription(Subscription s, SourceVersion version) {
        List<SubscriptionItem> items = s.getItems() == null || s.getItems().getData() == null
                ? List.of()
                : s.getItems().getData();
        SubscriptionItem first = planItem(items);
        String priceId = first == null || first.getPrice() == null
                ? null
                : first.getPrice().getId();
        long quantity = first == null ? 0 : first.getQuantity() == null ? 1 : first.getQuantity();
        return new dev.billing.core.model.subscription.Subscription(
                s.getId(),
                customer(s.getCustomer(), s.getId()),
                SubscriptionStatus.fromStripe(s.getStatus()),
                priceId,
                quantity,
                first == null ? null : instant(first.getCurrentPeriodStart()),
                first == null ? null : instant(first.getCurrentPeriodEnd()),
                bool(s.getCancelAtPeriodEnd()),
                instant(s.getCancelAt()),
                instant(s.getCanceledAt()),
                instant(s.getEndedAt()),
                instant(s.getTrialStart()),
                instant(s.getTrialEnd()),
                instant(s.getCreated()),
                s.getMetadata(),
                version,
                first == null ? null : pricing(first.getPrice(), s.getDiscountObjects()));
    }

    /** The item holding a subscription's plan: the first licensed one, else the first; null without items. */
    static SubscriptionItem planItem(List<SubscriptionItem> items) {
        for (SubscriptionItem item : items) {
            if (!metered(item.getPrice())) {
                return item;
            }
        }
        return items.isEmpty() ? null : items.get(0);
    }

    static boolean metered(Price price) {
        return price != null
                && price.getRecurring() != null
                && "metered".equals(price.getRecurring().getUsageType());
    }

    /**
     * The pricing of a subscription: its plan item's price when it has a unit amount and is licensed (not metered),
     * and the first discount whose coupon was expanded ({@code discounts.source.coupon}); null otherwise.
     */
    static SubscriptionPricing pricing(Price price, List<Discount> discounts) {
        if (price == null || price.getRecurring() == null) {
            return null;
        }
        Coupon coupon = null;
        for (Discount d : discounts == null ? List.<Discount>of() : discounts) {
            if (d != null && d.getSource() != null && d.getSource().getCouponObject() != null) {
                coupon = d.getSource().getCouponObject();
                break;
            }
        }
        return pricing(
                price.getCurrency(),
                price.getUnitAmount(),
                price.getRecurring().getInterval(),
                price.getRecurring().getIntervalCount(),
                price.getRecurring().getUsageType(),
                coupon == null ? null : coupon.getPercentOff(),
                coupon == null ? null : coupon.getAmountOff(),
                coupon == null ? null : coupon.getCurrency());
    }

    /** The one rule both the webhook snapshot ({@link StripeJson}) and stripe-java's objects are read by. */
    static SubscriptionPricing pricing(
            String currency,
            Long unitAmount,
            String interval,
            Long intervalCount,
            String usageType,
            BigDecimal percentOff,
            Long amountOff,
            String amountOffCurrency) {
        Optional<BillingInterval> parsed = BillingInterval.parse(interval);
        if (currency == null || unitAmount == null || parsed.isEmpty() || "metered".equals(usageType)) {
            return null;
        }
        SubscriptionPricing pricing = SubscriptionPricing.of(
                currency.toLowerCase(Locale.ROOT),
                unitAmount,
                parsed.get(),
                intervalCount == null ? 1 : Math.toIntExact(intervalCount));
        if (percentOff != null && percentOff.signum() > 0) {
            return pricing.withPercentOff(percentOff);
        }
        if (amountOff != null && amountOff > 0 && amountOffCurrency != null) {
            return pricing.withAmountOff(amountOff, amountOffCurrency.toLowerCase(Locale.ROOT));
        }
        return pricing;
    }

    static dev.billing.core.model.payment.Invoice invoice(Invoice i, SourceVersion version) {
        String subscriptionId = i.getParent() == null || i.getParent().getSubscriptionDetails() == null
                ? null
                : i.getParent().getSubscriptionDetails().getSubscription();
        return new dev.billing.core.model.payment.Invoice(
                i.getId(),
                customer(i.getCustomer(), i.getId()),
                subscriptionId,
                InvoiceStatus.fromStripe(i.getStatus()),
                i.getNumber(),
                i.getCurrency(),
                amount(i.getAmountDue()),
                amount(i.getAmountPaid()),
                amount(i.getAmountRemaining()),
                tax(i),
                i.getHostedInvoiceUrl(),
                i.getInvoicePdf(),
                i.getBillingReason(),
                instant(i.getPeriodStart()),
                instant(i.getPeriodEnd()),
                instant(i.getCreated()),
                version);
    }

    /** The same rule as {@link StripeJson}'s: the sum of {@code total_taxes}, 0 under automatic tax, else null. */
    private static Long tax(Invoice i) {
        if (i.getTotalTaxes() != null && !i.getTotalTaxes().isEmpty()) {
            long sum = 0;
            for (Invoice.TotalTax t : i.getTotalTaxes()) {
                sum += amount(t.getAmount());
            }
            return sum;
        }
        boolean automatic = i.getAutomaticTax() != null
                && Boolean.TRUE.equals(i.getAutomaticTax().getEnabled());
        return automatic ? 0L : null;
    }

    static CheckoutSession checkoutSession(Session s) {
        CheckoutMode mode = CheckoutMode.parse(s.getMode())
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown checkout mode " + s.getMode() + " on " + s.getId()));
        return new CheckoutSession(
                s.getId(),
                s.getUrl(),
                mode,
                s.getCustomer() == null ? null : CustomerId.of(s.getCustomer()),
                s.getSubscription(),
                s.getPaymentIntent(),
                s.getStatus(),
                s.getPaymentStatus(),
                s.getClientReferenceId(),
                s.getAmountTotal(),
                s.getCurrency(),
                s.getMetadata(),
                s.getCustomerDetails() != null && s.getCustomerDetails().getEmail() != null
                        ? s.getCustomerDetails().getEmail()
                        : s.getCustomerEmail());
    }

    /** {@code defaultPaymentMethodId} is the customer's {@code invoice_settings.default_payment_method}, or null. */
    static dev.billing.core.model.payment.PaymentMethod paymentMethod(PaymentMethod pm, String defaultPaymentMethodId) {
        PaymentMethod.Card c = pm.getCard();
        Card card = c == null
                ? null
                : new Card(
                        c.getBrand() == null ? "unknown" : c.getBrand(),
                        c.getLast4(),
                        Math.toIntExact(required(c.getExpMonth(), "card.exp_month", pm.getId())),
                        Math.toIntExact(required(c.getExpYear(), "card.exp_year", pm.getId())));
        return new dev.billing.core.model.payment.PaymentMethod(
                pm.getId(),
                pm.getCustomer() == null ? null : CustomerId.of(pm.getCustomer()),
                pm.getType(),
                card,
                pm.getId().equals(defaultPaymentMethodId),
                instant(pm.getCreated()));
    }

    static String defaultPaymentMethod(Customer customer) {
        return customer.getInvoiceSettings() == null
                ? null
                : customer.getInvoiceSettings().getDefaultPaymentMethod();
    }

    static dev.billing.core.model.payment.SetupIntent setupIntent(SetupIntent si) {
        return new dev.billing.core.model.payment.SetupIntent(si.getId(), si.getClientSecret(), si.getStatus());
    }

    static dev.billing.core.model.payment.Refund refund(Refund r) {
        return new dev.billing.core.model.payment.Refund(
                r.getId(),
                r.getPaymentIntent(),
                new Money(
                        amount(r.getAmount()),
                        r.getCurrency() == null ? null : r.getCurrency().toLowerCase(Locale.ROOT)),
                r.getStatus(),
                r.getCustomer() == null ? null : CustomerId.of(r.getCustomer()));
    }

    static Instant instant(Long epochSecond) {
        return epochSecond == null ? null : Instant.ofEpochSecond(epochSecond);
    }

    private static CustomerId customer(String id, String owner) {
        return CustomerId.of(required(id, "customer", owner));
    }

    private static long amount(Long value) {
        return value == null ? 0 : value;
    }

    private static boolean bool(Boolean value) {
        return Boolean.TRUE.equals(value);
    }

    private static <T> T required(T value, String field, String owner) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing on " + owner);
        }
        return value;
    }
}
