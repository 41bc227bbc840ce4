package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.StripeCollection;
import com.stripe.param.PriceListParams;
import com.stripe.param.ProductListParams;
import dev.billing.core.model.Page;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import java.util.Optional;

/** Reads the catalog: products and prices. */
final class StripeCatalog {
    private final StripeClient client;
    private final StripeCalls calls;

    StripeCatalog(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    Page<Product> listProducts(ProductQuery query) {
        ProductListParams.Builder params = ProductListParams.builder().setLimit((long) query.limit());
        if (query.active() != null) {
            params.setActive(query.active());
        }
        if (query.startingAfter() != null) {
            params.setStartingAfter(query.startingAfter());
        }
        StripeCollection<com.stripe.model.Product> page =
                calls.call("list products", () -> client.v1().products().list(params.build()));
        return calls.page("list products", page, p -> StripeObjects.product(p), com.stripe.model.Product::getId);
    }

    Page<Price> listPrices(PriceQuery query) {
        PriceListParams.Builder params = PriceListParams.builder().setLimit((long) query.limit());
        if (query.active() != null) {
            params.setActive(query.active());
        }
        if (query.productId() != null) {
            params.setProduct(query.productId());
        }
        if (query.type() != null) {
            params.setType(
                    query.type() == PriceType.RECURRING
                            ? PriceListParams.Type.RECURRING
                            : PriceListParams.Type.ONE_TIME);
        }
        if (query.startingAfter() != null) {
            params.setStartingAfter(query.startingAfter());
        }
        StripeCollection<com.stripe.model.Price> page =
                calls.call("list prices", () -> client.v1().prices().list(params.build()));
        return calls.page("list prices", page, StripeObjects::price, com.stripe.model.Price::getId);
    }

    Optional<Price> getPrice(String priceId) {
        return calls.find("retrieve price", priceId, () -> client.v1().prices().retrieve(priceId))
                .map(p -> calls.read("retrieve price", p, StripeObjects::price));
    }
}
