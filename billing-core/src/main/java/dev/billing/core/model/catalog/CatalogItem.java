package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;

/**
 * A one-time purchasable item (credits, a template pack...) sold through a one-time Stripe price; one
 * {@code openToGuests} can also be bought without an account.
 */
public record CatalogItem(String key, String name, String priceId, boolean openToGuests) {
    public CatalogItem {
        Checks.text(key, "item key");
        Checks.text(name, "item name");
        Checks.text(priceId, "priceId");
    }

    /** An item for signed-in users only. */
    public CatalogItem(String key, String name, String priceId) {
        this(key, name, priceId, false);
    }
}
