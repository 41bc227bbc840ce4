package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;

/** Filters for listing products. {@code active} null means any; {@code startingAfter} is a product id cursor. */
public record ProductQuery(Boolean active, int limit, String startingAfter) {
    public static final int MAX_LIMIT = 100;

    public ProductQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
        startingAfter = Checks.optionalText(startingAfter, "startingAfter");
    }

    public static ProductQuery activeOnly() {
        return new ProductQuery(true, MAX_LIMIT, null);
    }
}
