package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.http.wire.Responses;

/**
 * {@code GET /stripe/products}, {@code /stripe/prices} and {@code /stripe/coupons}, served from the core's TTL caches
 * of Stripe's catalog and of the public promotion codes.
 */
final class CatalogHandlers {
    static final String ID = "[A-Za-z0-9_]{1,255}";

    /** Distinct catalog queries whose rendered answer is kept (the core caches up to 1 000). */
    static final int RENDERED_QUERIES = 1_000;

    private final Billing billing;
    private final RenderCache<Object> rendered;

    CatalogHandlers(Billing billing, JsonCodec json) {
        this.billing = billing;
        this.rendered = new RenderCache<>(json, RENDERED_QUERIES);
    }

    Object products(Call call) {
        ProductQuery query = new ProductQuery(
                call.queryBool("active").orElse(true),
                call.queryInt("limit", 1, ProductQuery.MAX_LIMIT, ProductQuery.MAX_LIMIT),
                call.queryToken("startingAfter", ID).orElse(null));
        // The core answers from its catalog cache with the same page until it refreshes: the JSON is reused too.
        return Reply.json(
                200,
                rendered.render(query, billing.useCases().listCatalog().products(query), Responses.ProductList::of));
    }

    Object coupons(Call call) {
        return Responses.CouponList.of(billing.useCases().listPromotions().listed());
    }

    Object prices(Call call) {
        PriceType type = call.query("type")
                .map(t -> PriceType.parse(t)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_type", "type", "type must be one_time or recurring.")))
                .orElse(null);
        PriceQuery query = new PriceQuery(
                call.queryBool("active").orElse(true),
                call.queryToken("product", ID).orElse(null),
                type,
                call.queryInt("limit", 1, ProductQuery.MAX_LIMIT, ProductQuery.MAX_LIMIT),
                call.queryToken("startingAfter", ID).orElse(null));
        return Reply.json(
                200, rendered.render(query, billing.useCases().listCatalog().prices(query), Responses.PriceList::of));
    }
}
