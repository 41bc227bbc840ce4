package dev.billing.core.model.servicekey;

import java.util.Objects;

/**
 * A key just created or rotated, with its secret: the only time the secret exists outside the caller that holds it.
 * Show it once; nothing stores it.
 *
 * @param key    the stored key
 * @param secret the whole key to send ({@code bsk_<id hex>_<secret hex>})
 */
public record IssuedServiceKey(ServiceKey key, String secret) {
    public IssuedServiceKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() { // never the secret
        return "IssuedServiceKey[" + key + "]";
    }
}
