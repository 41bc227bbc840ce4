package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;

/** Filters for listing prices; null filters mean any. {@code startingAfter} is a price id cursor. */
public record PriceQuery(Boolean active, String productId, PriceType type, int limit, String startingAfter) {
    public PriceQuery {
        if (limit < 1 || limit > ProductQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
        productId = Checks.optionalText(productId, "productId");
        startingAfter = Checks.optionalText(startingAfter, "startingAfter");
    }

    public static PriceQuery activeOnly() {
        return new PriceQuery(true, null, null, ProductQuery.MAX_LIMIT, null);
    }
}
