package dev.billing.core.model;

import java.util.Objects;

/** One line of a checkout: a catalog price, or a server-computed amount for a product (discounted items). */
public sealed interface LineItem permits LineItem.OfPrice, LineItem.OfAmount {

    long quantity();

    /** A line billed at a catalog price. */
    record OfPrice(String priceId, long quantity) implements LineItem {
        public OfPrice {
            Checks.text(priceId, "priceId");
            if (quantity < 1) {
                throw new IllegalArgumentException("quantity must be at least 1");
            }
        }
    }

    /**
     * A line billed at an amount the server computed (a tier discount off {@code sourcePriceId}); never an amount
     * a client supplied.
     */
    record OfAmount(String productId, Money unitAmount, long quantity, String sourcePriceId) implements LineItem {
        public OfAmount {
            Checks.text(productId, "productId");
            Objects.requireNonNull(unitAmount, "unitAmount");
            Checks.nonNegative(unitAmount.amount(), "unitAmount");
            Checks.text(sourcePriceId, "sourcePriceId");
            if (quantity < 1) {
                throw new IllegalArgumentException("quantity must be at least 1");
            }
        }
    }
}
