package dev.billing.core.usecase;

import dev.billing.core.error.GatewayException;
import dev.billing.core.model.Page;
import dev.billing.core.model.Price;
import dev.billing.core.model.PriceQuery;
import dev.billing.core.model.Product;
import dev.billing.core.model.ProductQuery;
import dev.billing.core.port.PaymentGateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Lists products and prices from a short TTL cache. One caller refreshes an expired entry while the others wait
 * for it; when Stripe fails, the last good answer is served for up to {@code maxStale}. Catalog webhooks call
 * {@link #invalidate()}.
 *
 * <p>Usage: {@code Page<Price> prices = listCatalog.prices(PriceQuery.activeOnly());}
 */
public final class ListCatalog {
    private static final int MAX_CACHED_QUERIES = 1_000;

    private final PaymentGateway gateway;
    private final Clock clock;
    private final Duration ttl;
    private final Duration maxStale;
    private final Map<Object, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public ListCatalog(PaymentGateway gateway, Clock clock, Duration ttl, Duration maxStale) {
        this.gateway = gateway;
        this.clock = clock;
        this.ttl = ttl;
        this.maxStale = maxStale;
    }

    public Page<Product> products(ProductQuery query) {
        return cached(query, () -> gateway.listProducts(query));
    }

    public Page<Price> prices(PriceQuery query) {
        return cached(query, () -> gateway.listPrices(query));
    }

    /** Makes every cached answer stale: the next read refreshes (and still falls back to it if Stripe fails). */
    public void invalidate() {
        generation.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Object key, Supplier<T> loader) {
        Slot slot = slots.get(key);
        if (slot == null) {
            if (slots.size() >= MAX_CACHED_QUERIES) {
                slots.clear();
            }
            slot = slots.computeIfAbsent(key, k -> new Slot());
        }
        Entry entry = slot.entry;
        long currentGeneration = generation.get();
        if (entry != null && isFresh(entry, currentGeneration)) {
            return (T) entry.value;
        }
        slot.lock.lock();
        try {
            entry = slot.entry;
            if (entry != null && isFresh(entry, currentGeneration)) {
                return (T) entry.value;
            }
            try {
                T value = loader.get();
                slot.entry = new Entry(value, clock.instant(), currentGeneration);
                return value;
            } catch (GatewayException e) {
                if (entry != null && clock.instant().isBefore(entry.fetchedAt.plus(maxStale))) {
                    return (T) entry.value;
                }
                throw e;
            }
        } finally {
            slot.lock.unlock();
        }
    }

    private boolean isFresh(Entry entry, long currentGeneration) {
        return entry.generation == currentGeneration && clock.instant().isBefore(entry.fetchedAt.plus(ttl));
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile Entry entry;
    }

    private record Entry(Object value, Instant fetchedAt, long generation) {
    }
}
