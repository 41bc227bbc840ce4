package dev.billing.plans;

import dev.billing.core.model.catalog.CatalogPromotion;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.PromotionCode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code promotions} section of a plan file: Stripe promotion codes by their customer-facing code, each
 * {@code public} (listed by {@code GET /stripe/coupons}) or not. What a code gives is read from Stripe.
 */
final class PromotionsYaml {
    static final Set<String> PROMOTION_KEYS = Set.of("code", "public");

    private final PlanCatalogYaml yaml;

    PromotionsYaml(PlanCatalogYaml yaml) {
        this.yaml = yaml;
    }

    void promotions(Object value, PlanCatalog.Builder builder) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> promotions)) {
            yaml.problems.add("promotions: must be a list of {code, public?}");
            return;
        }
        Map<String, String> seen = new HashMap<>();
        int i = 0;
        for (Object element : promotions) {
            String where = "promotions[" + i++ + "]";
            if (!(element instanceof Map<?, ?> promotion)) {
                yaml.problems.add(where + ": must be a mapping with code and optional public");
                continue;
            }
            yaml.unknownKeys(promotion, PROMOTION_KEYS, where);
            String code = yaml.text(promotion.get("code"), where + ".code", true);
            Boolean listed = yaml.flag(promotion.get("public"), where + ".public");
            if (code == null) {
                continue;
            }
            if (!code.matches(PromotionCode.CODE_PATTERN)) {
                yaml.problems.add(where + ".code: '" + code + "' must be 1-64 letters, digits, '-' or '_' (a "
                        + "Stripe promotion code's customer-facing code)");
                continue;
            }
            String other = seen.putIfAbsent(code.toUpperCase(Locale.ROOT), where);
            if (other != null) {
                yaml.problems.add(where + ".code: '" + code + "' is also listed at " + other
                        + " (Stripe matches codes without regard to case)");
                continue;
            }
            builder.promotion(new CatalogPromotion(code, Boolean.TRUE.equals(listed)));
        }
    }
}
