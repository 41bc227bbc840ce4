package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.catalog.BillingInterval;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a subscription costs, from its first licensed item's price and its discount: the unit amount per
 * {@code intervalCount} {@code interval}s in {@code currency}, and a known coupon ({@code percentOff} 0-100, or
 * {@code amountOff} off each invoice in {@code amountOffCurrency}; neither when there is none). Nullable on
 * {@link Subscription}: prices without a unit amount (metered, tiered) and rows written before pricing was kept.
 *
 * <p>Usage: {@code new SubscriptionPricing("usd", 1000, BillingInterval.MONTH, 1, null, 0, null)}
 */
public record SubscriptionPricing(
        String currency,
        long unitAmount,
        BillingInterval interval,
        int intervalCount,
        BigDecimal percentOff,
        long amountOff,
        String amountOffCurrency) {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public SubscriptionPricing {
        Checks.currency(currency);
        Checks.nonNegative(unitAmount, "unitAmount");
        Objects.requireNonNull(interval, "interval");
        if (intervalCount < 1) {
            throw new IllegalArgumentException("intervalCount must be at least 1");
        }
        if (percentOff != null) {
            if (percentOff.signum() <= 0 || percentOff.compareTo(HUNDRED) > 0) {
                throw new IllegalArgumentException("percentOff must be above 0 and at most 100");
            }
            // One value, one representation: 25.50 from a numeric column equals Stripe's 25.5.
            percentOff = percentOff.stripTrailingZeros();
            if (percentOff.scale() < 0) {
                percentOff = percentOff.setScale(0);
            }
        }
        Checks.nonNegative(amountOff, "amountOff");
        if (amountOff > 0) {
            Checks.currency(amountOffCurrency);
        } else if (amountOffCurrency != null) {
            throw new IllegalArgumentException("amountOffCurrency without amountOff");
        }
    }

    /** The same price without a discount. */
    public static SubscriptionPricing of(
            String currency, long unitAmount, BillingInterval interval, int intervalCount) {
        return new SubscriptionPricing(currency, unitAmount, interval, intervalCount, null, 0, null);
    }

    public SubscriptionPricing withPercentOff(BigDecimal percent) {
        return new SubscriptionPricing(currency, unitAmount, interval, intervalCount, percent, 0, null);
    }

    public SubscriptionPricing withAmountOff(long amount, String amountCurrency) {
        return new SubscriptionPricing(currency, unitAmount, interval, intervalCount, null, amount, amountCurrency);
    }
}
