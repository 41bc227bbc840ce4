package dev.billing.core.catalog;

import dev.billing.core.model.catalog.CatalogPromotion;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The promotion codes the plan catalog lists as public, each with what it gives as Stripe holds it now (read from a
 * short TTL cache, like {@link ListCatalog}: one caller refreshes while the others wait, and when Stripe fails the
 * last good answer serves for up to {@code maxStale}). A listed code Stripe does not hold as active (unknown,
 * deactivated, expired) is left out rather than offered. Coupon and promotion code webhooks call
 * {@link #invalidate()}.
 *
 * <p>Usage: {@code List<PromotionCode> offers = listPromotions.listed();}
 */
public final class ListPromotions {
    private final PaymentGateway gateway;
    private final PlanCatalog catalog;
    private final Clock clock;
    private final CachedRead<List<PromotionCode>> codes;

    public ListPromotions(PaymentGateway gateway, PlanCatalog catalog, Clock clock, Duration ttl, Duration maxStale) {
        this.gateway = gateway;
        this.catalog = catalog;
        this.clock = clock;
        this.codes = new CachedRead<>(this::read, clock, ttl, maxStale);
    }

    /** The public promotion codes in the catalog's order, as Stripe describes them. */
    public List<PromotionCode> listed() {
        return codes.get();
    }

    private List<PromotionCode> read() {
        List<PromotionCode> codes = new ArrayList<>();
        for (CatalogPromotion promotion : catalog.promotions()) {
            if (promotion.listed()) {
                Instant now = clock.instant();
                gateway.findPromotionCode(promotion.code())
                        .filter(c -> c.expiresAt() == null || c.expiresAt().isAfter(now))
                        .ifPresent(codes::add);
            }
        }
        return List.copyOf(codes);
    }

    /**
     * Makes the cached codes stale: the next read asks Stripe again (and still falls back to them if Stripe fails).
     * A read already under way when this is called is not taken as fresh, since it may predate the change.
     */
    public void invalidate() {
        codes.invalidate();
    }
}
