package dev.billing.core.port;

import dev.billing.core.model.Page;
import dev.billing.core.model.servicekey.ServiceKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The service API keys ({@link ServiceKey}): their ids, names, scopes, expiry and the hashes of their secrets.
 *
 * <p>Rules every implementation keeps (the {@code ServiceKeyStoreContract} pins them): an id is stored once;
 * {@link #rotate} and {@link #revoke} change a key that is not revoked, and a revoked key stays revoked.
 * Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 *
 * <p>Usage: {@code stores.serviceKeys().find(id).filter(k -> k.activeAt(now))}
 */
public interface ServiceKeyStore {

    /** Stores a new key; false when its id is taken. */
    boolean insert(ServiceKey key);

    Optional<ServiceKey> find(String id);

    /** Every key, revoked ones too, ordered by id; the cursor is opaque or null. */
    Page<ServiceKey> list(String cursor, int limit);

    long count();

    /** Replaces the secret's hash of a key that is not revoked; the key as it is now, or empty when none is. */
    Optional<ServiceKey> rotate(String id, String secretHash, Instant at);

    /** Revokes the key (a revoked one keeps its first revocation time); the key as it is now, or empty. */
    Optional<ServiceKey> revoke(String id, Instant at);

    /** Writes the key exactly as given (migration), inserting or replacing one that differs; true when it wrote. */
    boolean restore(ServiceKey key);

    /** Migration: deletes the key, because the source of a store-to-store copy does not have it. */
    boolean remove(String id);

    /** Stores that keep no service keys: every key is unknown, none can be created. */
    ServiceKeyStore NONE = new ServiceKeyStore() {
        @Override
        public boolean insert(ServiceKey key) {
            throw new UnsupportedOperationException("these stores keep no service keys");
        }

        @Override
        public Optional<ServiceKey> find(String id) {
            return Optional.empty();
        }

        @Override
        public Page<ServiceKey> list(String cursor, int limit) {
            return Page.empty();
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public Optional<ServiceKey> rotate(String id, String secretHash, Instant at) {
            return Optional.empty();
        }

        @Override
        public Optional<ServiceKey> revoke(String id, Instant at) {
            return Optional.empty();
        }

        @Override
        public boolean restore(ServiceKey key) {
            throw new UnsupportedOperationException("these stores keep no service keys");
        }

        @Override
        public boolean remove(String id) {
            return false;
        }
    };
}
