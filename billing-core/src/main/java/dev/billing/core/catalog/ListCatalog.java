package dev.billing.core.catalog;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Lists products and prices from a short TTL cache of the whole catalog: every product and every price, read from
 * Stripe together, page by page in Stripe's order, from which each filter and page is answered. One caller refreshes
 * an expired catalog while the others wait for it; when Stripe fails, the last good catalog answers every query
 * (products or prices, filtered and paged alike) for up to {@code maxStale}. Catalog webhooks call
 * {@link #invalidate()}.
 *
 * <p>Usage: {@code Page<Price> prices = listCatalog.prices(PriceQuery.activeOnly());}
 */
public final class ListCatalog {
    /** Distinct queries whose pages a catalog snapshot keeps. */
    static final int KEPT_PAGES = 1_000;

    private final PaymentGateway gateway;
    private final CachedRead<Snapshot> catalog;

    public ListCatalog(PaymentGateway gateway, Clock clock, Duration ttl, Duration maxStale) {
        this.gateway = gateway;
        this.catalog = new CachedRead<>(this::readCatalog, clock, ttl, maxStale);
    }

    /** The page; the same instance for the same query until the catalog is read again. */
    public Page<Product> products(ProductQuery query) {
        Snapshot seen = catalog.get();
        return seen.page(
                query,
                () -> page(
                        seen.products(),
                        p -> query.active() == null || p.active() == query.active(),
                        Product::id,
                        query.startingAfter(),
                        query.limit()));
    }

    /** The page; the same instance for the same query until the catalog is read again. */
    public Page<Price> prices(PriceQuery query) {
        Snapshot seen = catalog.get();
        return seen.page(
                query,
                () -> page(
                        seen.prices(),
                        p -> (query.active() == null || p.active() == query.active())
                                && (query.productId() == null || p.productId().equals(query.productId()))
                                && (query.type() == null || p.type() == query.type()),
                        Price::id,
                        query.startingAfter(),
                        query.limit()));
    }

    /** Makes the cached catalog stale: the next read refreshes (and still falls back to it if Stripe fails). */
    public void invalidate() {
        catalog.invalidate();
    }

    private Snapshot readCatalog() {
        return new Snapshot(
                readAll(cursor -> gateway.listProducts(new ProductQuery(null, ProductQuery.MAX_LIMIT, cursor))),
                readAll(cursor -> gateway.listPrices(new PriceQuery(null, null, null, ProductQuery.MAX_LIMIT, cursor))),
                new ConcurrentHashMap<>());
    }

    private static <T> List<T> readAll(Function<String, Page<T>> pageAfter) {
        List<T> items = new ArrayList<>();
        String cursor = null;
        Page<T> page;
        do {
            page = pageAfter.apply(cursor);
            items.addAll(page.items());
            cursor = page.nextCursor();
        } while (page.hasMore());
        return List.copyOf(items);
    }

    /**
     * The items matching {@code filter} after {@code startingAfter} (an id of the list, matching or not, as Stripe
     * reads its cursors), {@code limit} at most.
     */
    private static <T> Page<T> page(
            List<T> all, Predicate<T> filter, Function<T, String> id, String startingAfter, int limit) {
        int from = 0;
        if (startingAfter != null) {
            from = -1;
            for (int i = 0; i < all.size() && from < 0; i++) {
                if (id.apply(all.get(i)).equals(startingAfter)) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                throw new InvalidRequestException(
                        "invalid_cursor", "startingAfter", "startingAfter is not an id of this list.");
            }
        }
        List<T> items = new ArrayList<>(Math.min(limit, all.size()));
        int i = from;
        for (; i < all.size() && items.size() < limit; i++) {
            if (filter.test(all.get(i))) {
                items.add(all.get(i));
            }
        }
        boolean more = false;
        for (; i < all.size() && !more; i++) {
            more = filter.test(all.get(i));
        }
        return new Page<>(items, more, more ? id.apply(items.get(items.size() - 1)) : null);
    }

    /**
     * The whole catalog as read at one moment, with the pages answered from it: the same query gets the same page
     * instance while this snapshot lives, so that callers (the HTTP module's rendered JSON) can keep what they made
     * of it by identity. At most {@value #KEPT_PAGES} queries are kept; others are answered anew each time.
     */
    private record Snapshot(List<Product> products, List<Price> prices, Map<Object, Page<?>> pages) {
        @SuppressWarnings("unchecked")
        <T> Page<T> page(Object query, Supplier<Page<T>> answer) {
            Page<?> kept = pages.get(query);
            if (kept != null) {
                return (Page<T>) kept;
            }
            Page<T> page = answer.get();
            if (pages.size() >= KEPT_PAGES) {
                return page;
            }
            Page<?> first = pages.putIfAbsent(query, page);
            return first == null ? page : (Page<T>) first;
        }
    }
}
