package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.model.catalog.Recurring;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The fake's products and prices. Not thread-safe: {@link FakePaymentGateway} calls it under its lock. */
final class FakeCatalog {
    private final Clock clock;
    private final Map<String, Product> products = new LinkedHashMap<>();
    private final Map<String, Price> prices = new LinkedHashMap<>();

    FakeCatalog(Clock clock) {
        this.clock = clock;
    }

    void addProduct(String id, String name) {
        products.put(id, new Product(id, name, null, true, null, Map.of(), clock.instant()));
    }

    void addRecurringPrice(String id, String productId, long amount, BillingInterval interval) {
        prices.put(
                id,
                new Price(
                        id,
                        productId,
                        true,
                        PriceType.RECURRING,
                        "usd",
                        amount,
                        new Recurring(interval, 1, false, null),
                        null,
                        null,
                        Map.of(),
                        clock.instant()));
    }

    /** A metered monthly price (no unit amount of its own here: usage is what Stripe bills). */
    void addMeteredPrice(String id, String productId, String meterId) {
        prices.put(
                id,
                new Price(
                        id,
                        productId,
                        true,
                        PriceType.RECURRING,
                        "usd",
                        1L,
                        new Recurring(BillingInterval.MONTH, 1, true, meterId),
                        null,
                        null,
                        Map.of(),
                        clock.instant()));
    }

    void addOneTimePrice(String id, String productId, long amount) {
        prices.put(
                id,
                new Price(
                        id,
                        productId,
                        true,
                        PriceType.ONE_TIME,
                        "usd",
                        amount,
                        null,
                        null,
                        null,
                        Map.of(),
                        clock.instant()));
    }

    Page<Product> listProducts(ProductQuery query) {
        return Cursors.page(
                products.values().stream()
                        .filter(p -> query.active() == null || p.active() == query.active())
                        .sorted(Comparator.comparing(Product::id))
                        .toList(),
                Product::id,
                query.startingAfter(),
                query.limit());
    }

    Page<Price> listPrices(PriceQuery query) {
        return Cursors.page(
                prices.values().stream()
                        .filter(p -> query.active() == null || p.active() == query.active())
                        .filter(p -> query.productId() == null || p.productId().equals(query.productId()))
                        .filter(p -> query.type() == null || p.type() == query.type())
                        .sorted(Comparator.comparing(Price::id))
                        .toList(),
                Price::id,
                query.startingAfter(),
                query.limit());
    }

    Optional<Price> getPrice(String priceId) {
        return Optional.ofNullable(prices.get(priceId));
    }

    boolean hasPrice(String priceId) {
        return prices.containsKey(priceId);
    }

    /** The price's unit amount; 0 for an unknown price or one without an amount. */
    long unitAmount(String priceId) {
        Price price = prices.get(priceId);
        return price == null || price.unitAmount() == null ? 0 : price.unitAmount();
    }

    /** A subscription's billing interval: the price's, a month when the price is unknown or not recurring. */
    BillingInterval interval(String priceId) {
        Price price = prices.get(priceId);
        return price != null && price.recurring() != null ? price.recurring().interval() : BillingInterval.MONTH;
    }
}
