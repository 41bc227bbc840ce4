package dev.billing.core.checkout;

import dev.billing.core.model.catalog.BillingInterval;
import java.util.Objects;

/** What a user asks to check out. URLs may be null (the configured defaults apply). */
public sealed interface CheckoutCommand permits CheckoutCommand.Subscribe, CheckoutCommand.Buy {

    String successUrl();

    String cancelUrl();

    /**
     * Start a subscription to a tier at an interval; {@code promotionCode} may be null; {@code seats} is for a tier
     * sold by the seat (null: one).
     */
    record Subscribe(
            String tier,
            BillingInterval interval,
            String successUrl,
            String cancelUrl,
            String promotionCode,
            Long seats)
            implements CheckoutCommand {
        public Subscribe {
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(interval, "interval");
        }

        public Subscribe(
                String tier, BillingInterval interval, String successUrl, String cancelUrl, String promotionCode) {
            this(tier, interval, successUrl, cancelUrl, promotionCode, null);
        }
    }

    /** Buy a one-time catalog item. */
    record Buy(String priceId, long quantity, String successUrl, String cancelUrl) implements CheckoutCommand {
        public Buy {
            Objects.requireNonNull(priceId, "priceId");
        }
    }
}
