package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;

/**
 * A promotion code the plan catalog names: its customer-facing {@code code} (a Stripe promotion code's code) and
 * whether it is {@code listed} for everyone to see ({@code GET /stripe/coupons}). What it gives is Stripe's to say.
 *
 * <p>Usage: {@code new CatalogPromotion("SPRING25", true)}
 */
public record CatalogPromotion(String code, boolean listed) {
    public CatalogPromotion {
        Checks.text(code, "promotion code");
        if (!code.matches(PromotionCode.CODE_PATTERN)) {
            throw new IllegalArgumentException(
                    "promotion code '" + code + "' must be 1-64 letters, digits, '-' or '_'");
        }
    }
}
