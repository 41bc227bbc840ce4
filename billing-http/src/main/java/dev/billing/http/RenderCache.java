package dev.billing.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;

/**
 * The JSON last rendered for a key, reused while the core keeps answering with the very same object (its own caches
 * return one instance until something changes, so identity is the freshness test and no TTL is needed here). Bounded:
 * the least used keys are dropped.
 *
 * <p>Usage: {@code byte[] body = cache.render(user, entitlements, e -> EntitlementsView.of(e));}
 *
 * @param <K> the key (a user, a query)
 */
final class RenderCache<K> {
    private final JsonCodec json;
    private final Cache<K, Rendered> rendered;

    RenderCache(JsonCodec json, long maxKeys) {
        this.json = json;
        this.rendered = Caffeine.newBuilder().maximumSize(maxKeys).build();
    }

    /** The JSON of {@code view.apply(source)}, rendered again only when {@code source} is another object. */
    <S> byte[] render(K key, S source, Function<S, Object> view) {
        Rendered last = rendered.getIfPresent(key);
        if (last == null || last.source() != source) {
            last = new Rendered(source, json.write(view.apply(source)));
            rendered.put(key, last);
        }
        return last.body();
    }

    private record Rendered(Object source, byte[] body) {}
}
