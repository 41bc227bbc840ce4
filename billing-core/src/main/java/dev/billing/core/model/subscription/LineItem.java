package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.Money;
import java.util.Objects;

/**
 * One line of a checkout: a catalog price, a server-computed amount for a product (discounted items), or a metered
 * price (a plan's usage, billed in arrears).
 */
public sealed interface LineItem permits LineItem.OfPrice, LineItem.OfAmount, LineItem.Metered {

    /** How many are bought; 0 for a metered line, which Stripe bills by usage and takes no quantity for. */
    long quantity();

    /** A metered price added to a subscription: Stripe refuses a quantity on it, so it has none. */
    record Metered(String priceId) implements LineItem {
        public Metered {
            Checks.text(priceId, "priceId");
        }

        @Override
        public long quantity() {
            return 0;
        }
    }

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
