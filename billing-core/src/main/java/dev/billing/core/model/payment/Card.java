package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;

/** What may be shown of a card: brand, last four digits and expiry. Never the number. */
public record Card(String brand, String last4, int expMonth, int expYear) {
    public Card {
        Checks.text(brand, "brand");
        if (last4 == null || !last4.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("last4 must be exactly four digits");
        }
        if (expMonth < 1 || expMonth > 12) {
            throw new IllegalArgumentException("expMonth must be 1..12");
        }
    }
}
