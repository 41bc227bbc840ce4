package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.model.Page;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.port.ServiceKeyStore;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link ServiceKeyStore} on {@code billing_service_keys} (021), keyed by the key's id. Rotation and revocation are
 * one {@code PATCH} each, filtered on {@code revoked_at=is.null}, so a revoked key is never rotated and keeps its
 * first revocation time; the listing's cursor is the last id itself.
 */
final class SupabaseServiceKeyStore implements ServiceKeyStore {
    static final String TABLE = "billing_service_keys";
    private static final String COLUMNS = "id,name,scopes,secret_hash,created_at,expires_at,rotated_at,revoked_at";

    private final PostgrestClient client;

    SupabaseServiceKeyStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public boolean insert(ServiceKey key) {
        JsonNode inserted = client.post(TABLE)
                .param("on_conflict", "id")
                .param("select", "id")
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(toRow(key))
                .send()
                .json();
        return inserted.size() == 1;
    }

    @Override
    public Optional<ServiceKey> find(String id) {
        JsonNode rows = client.get(TABLE)
                .param("id", "eq." + id)
                .param("select", COLUMNS)
                .retryable()
                .send()
                .json();
        return rows.isEmpty() ? Optional.empty() : Optional.of(key(rows.get(0)));
    }

    @Override
    public Page<ServiceKey> list(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        PostgrestClient.Request request = client.get(TABLE);
        if (cursor != null) {
            request.param("id", "gt." + cursor);
        }
        List<ServiceKey> rows = Rows.map(
                request.param("select", COLUMNS)
                        .param("order", "id.asc")
                        .param("limit", Integer.toString(size + 1))
                        .retryable()
                        .send()
                        .json(),
                SupabaseServiceKeyStore::key);
        return Keyset.page(rows, size, ServiceKey::id);
    }

    @Override
    public long count() {
        return client.get(TABLE)
                .param("select", "id")
                .param("limit", "0")
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    @Override
    public Optional<ServiceKey> rotate(String id, String secretHash, Instant at) {
        ObjectNode change = Rows.object();
        change.put("secret_hash", secretHash);
        Rows.put(change, "rotated_at", at);
        JsonNode rows = client.patch(TABLE)
                .param("id", "eq." + id)
                .param("revoked_at", "is.null")
                .param("select", COLUMNS)
                .prefer("return=representation")
                .json(change)
                .send()
                .json();
        return rows.isEmpty() ? Optional.empty() : Optional.of(key(rows.get(0)));
    }

    /** Revokes an unrevoked key; a revoked one (or none) is then read as it is. */
    @Override
    public Optional<ServiceKey> revoke(String id, Instant at) {
        ObjectNode change = Rows.object();
        Rows.put(change, "revoked_at", at);
        JsonNode rows = client.patch(TABLE)
                .param("id", "eq." + id)
                .param("revoked_at", "is.null")
                .param("select", COLUMNS)
                .prefer("return=representation")
                .json(change)
                .send()
                .json();
        return rows.isEmpty() ? find(id) : Optional.of(key(rows.get(0)));
    }

    /** Never retried, like the other restores: a repeat would answer false for a row this call wrote. */
    @Override
    public boolean restore(ServiceKey key) {
        ObjectNode args = Rows.object();
        args.set("p_key", toRow(key));
        return client.rpc("billing_service_keys_restore", args).send().json().asBoolean();
    }

    @Override
    public boolean remove(String id) {
        return SupabaseRemovals.delete(client, TABLE, "id", id);
    }

    static ObjectNode toRow(ServiceKey k) {
        ObjectNode row = Rows.object();
        row.put("id", k.id());
        row.put("name", k.name());
        row.put(
                "scopes",
                k.scopes().stream().sorted().map(ServiceScope::wireName).collect(Collectors.joining(" ")));
        row.put("secret_hash", k.secretHash());
        Rows.put(row, "created_at", k.createdAt());
        Rows.put(row, "expires_at", k.expiresAt());
        Rows.put(row, "rotated_at", k.rotatedAt());
        Rows.put(row, "revoked_at", k.revokedAt());
        return row;
    }

    static ServiceKey key(JsonNode row) {
        Set<ServiceScope> scopes = EnumSet.noneOf(ServiceScope.class);
        for (String name : Rows.requiredText(row, "scopes").split(" ")) {
            // A scope this version does not know (written by a newer one) grants nothing here.
            ServiceScope.parse(name).ifPresent(scopes::add);
        }
        return new ServiceKey(
                Rows.requiredText(row, "id"),
                Rows.requiredText(row, "name"),
                scopes,
                Rows.requiredText(row, "secret_hash"),
                Rows.requiredInstant(row, "created_at"),
                Rows.instant(row, "expires_at"),
                Rows.instant(row, "rotated_at"),
                Rows.instant(row, "revoked_at"));
    }
}
