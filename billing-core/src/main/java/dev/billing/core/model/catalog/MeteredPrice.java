package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;

/**
 * A metered Stripe price a plan's subscriptions carry besides the plan's own price, so that Stripe bills the usage
 * of {@code meter} (a meter with a Stripe event name) on each invoice, in arrears.
 *
 * <p>Usage: {@code new MeteredPrice("api_calls", "price_api_calls_metered")}
 */
public record MeteredPrice(String meter, String priceId) {
    public MeteredPrice {
        Checks.text(meter, "meter");
        Checks.text(priceId, "priceId");
    }
}
