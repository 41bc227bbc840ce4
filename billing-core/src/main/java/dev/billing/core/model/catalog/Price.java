package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import dev.billing.core.model.Money;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A Stripe price. {@code unitAmount} is null for prices without a flat unit amount (tiered, metered with
 * tiers); {@code recurring} is null for one-time prices.
 */
public record Price(
        String id,
        String productId,
        boolean active,
        PriceType type,
        String currency,
        Long unitAmount,
        Recurring recurring,
        String nickname,
        String lookupKey,
        Map<String, String> metadata,
        Instant created) {
    public Price {
        Checks.text(id, "id");
        Checks.text(productId, "productId");
        Objects.requireNonNull(type, "type");
        Checks.currency(currency);
        if (type == PriceType.RECURRING && recurring == null) {
            throw new IllegalArgumentException("a recurring price needs its recurring part");
        }
        if (type == PriceType.ONE_TIME && recurring != null) {
            throw new IllegalArgumentException("a one-time price has no recurring part");
        }
        metadata = Checks.metadata(metadata);
        Objects.requireNonNull(created, "created");
    }

    /** The unit amount as money, or null when the price has none. */
    public Money unitPrice() {
        return unitAmount == null ? null : new Money(unitAmount, currency);
    }
}
