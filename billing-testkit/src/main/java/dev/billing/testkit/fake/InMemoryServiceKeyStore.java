package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.port.ServiceKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.TreeMap;

/** {@link ServiceKeyStore} in memory; fails while its {@link StoreSwitch} is down. Thread-safe. */
public final class InMemoryServiceKeyStore implements ServiceKeyStore {
    private final TreeMap<String, ServiceKey> keys = new TreeMap<>();
    private final StoreSwitch storeSwitch;

    public InMemoryServiceKeyStore() {
        this(new StoreSwitch());
    }

    InMemoryServiceKeyStore(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    @Override
    public synchronized boolean insert(ServiceKey key) {
        storeSwitch.check();
        return keys.putIfAbsent(key.id(), key) == null;
    }

    @Override
    public synchronized Optional<ServiceKey> find(String id) {
        storeSwitch.check();
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public synchronized Page<ServiceKey> list(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(keys.values()), ServiceKey::id, cursor, limit);
    }

    @Override
    public synchronized long count() {
        storeSwitch.check();
        return keys.size();
    }

    @Override
    public synchronized Optional<ServiceKey> rotate(String id, String secretHash, Instant at) {
        storeSwitch.check();
        ServiceKey key = keys.get(id);
        if (key == null || key.revokedAt() != null) {
            return Optional.empty();
        }
        ServiceKey rotated = key.withSecretHash(secretHash, at);
        keys.put(id, rotated);
        return Optional.of(rotated);
    }

    @Override
    public synchronized Optional<ServiceKey> revoke(String id, Instant at) {
        storeSwitch.check();
        ServiceKey key = keys.get(id);
        if (key == null) {
            return Optional.empty();
        }
        if (key.revokedAt() == null) {
            key = key.revoked(at);
            keys.put(id, key);
        }
        return Optional.of(key);
    }

    @Override
    public synchronized boolean restore(ServiceKey key) {
        storeSwitch.check();
        return !key.equals(keys.put(key.id(), key));
    }

    @Override
    public synchronized boolean remove(String id) {
        storeSwitch.check();
        return keys.remove(id) != null;
    }
}
