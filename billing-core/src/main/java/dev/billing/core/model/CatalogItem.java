package dev.billing.core.model;

/** A one-time purchasable item (credits, a template pack...) sold through a one-time Stripe price. */
public record CatalogItem(String key, String name, String priceId) {
    public CatalogItem {
        Checks.text(key, "item key");
        Checks.text(name, "item name");
        Checks.text(priceId, "priceId");
    }
}
