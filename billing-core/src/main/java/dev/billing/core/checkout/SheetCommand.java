package dev.billing.core.checkout;

import dev.billing.core.model.catalog.BillingInterval;
import java.util.Objects;

/**
 * What a party asks the mobile PaymentSheet for. {@code stripeVersion} is the Stripe API version the app's SDK was
 * built against (its ephemeral key is made for it); null means the server's.
 */
public sealed interface SheetCommand permits SheetCommand.Subscribe, SheetCommand.Buy, SheetCommand.SaveCard {

    String stripeVersion();

    /** Subscribe to a tier at an interval; {@code promotionCode} and {@code seats} may be null. */
    record Subscribe(String tier, BillingInterval interval, String promotionCode, Long seats, String stripeVersion)
            implements SheetCommand {
        public Subscribe {
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(interval, "interval");
        }
    }

    /** Buy a one-time catalog item. */
    record Buy(String priceId, long quantity, String stripeVersion) implements SheetCommand {
        public Buy {
            Objects.requireNonNull(priceId, "priceId");
        }
    }

    /** Save a card, which becomes the party's default once the app has confirmed it. */
    record SaveCard(String stripeVersion) implements SheetCommand {}
}
