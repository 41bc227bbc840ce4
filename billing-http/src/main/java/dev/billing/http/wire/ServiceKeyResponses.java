package dev.billing.http.wire;

import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import java.time.Instant;
import java.util.List;

/** The admin routes' answers about service API keys: never a secret, except once in {@link Issued}. */
public final class ServiceKeyResponses {
    private ServiceKeyResponses() {}

    public record View(
            @Doc("The key's public prefix (bsk_ and 16 hex digits); it names the key in the audit trail.")
            String id,

            String name,

            @Doc("entitlements:read, usage:write, customers:write, checkout:write.")
            List<String> scopes,

            Instant createdAt,

            @OptionalField @Doc("When it stops working; never when left out.")
            Instant expiresAt,

            @OptionalField Instant rotatedAt,
            @OptionalField Instant revokedAt) {
        public static View of(ServiceKey k) {
            return new View(
                    k.id(), k.name(), scopeNames(k), k.createdAt(), k.expiresAt(), k.rotatedAt(), k.revokedAt());
        }
    }

    public record Issued(
            String id,
            String name,
            List<String> scopes,
            Instant createdAt,
            @OptionalField Instant expiresAt,
            @OptionalField Instant rotatedAt,

            @Doc("The whole key, shown this once: send it as Authorization: Bearer <secret>. Only its hash is kept.")
            String secret) {
        public static Issued of(ServiceKey k, String secret) {
            return new Issued(k.id(), k.name(), scopeNames(k), k.createdAt(), k.expiresAt(), k.rotatedAt(), secret);
        }

        @Override
        public String toString() { // never the secret
            return "Issued[" + id + "]";
        }
    }

    public record KeyList(
            List<View> data, boolean hasMore, @OptionalField String nextCursor) {}

    private static List<String> scopeNames(ServiceKey k) {
        return k.scopes().stream().sorted().map(ServiceScope::wireName).toList();
    }
}
