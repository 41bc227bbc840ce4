package dev.billing.postgres;

import dev.billing.core.model.Page;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.port.ServiceKeyStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link ServiceKeyStore} on Postgres: {@code service_keys} (V22), keyed by the key's id. Rotation and revocation are
 * single {@code UPDATE ... RETURNING} statements, so racing admins end on one row; revocation keeps its first time.
 * The listing's cursor is the last id itself (ids are public and sort byte-wise).
 */
final class JdbiServiceKeyStore implements ServiceKeyStore {
    private static final String COLUMNS =
            "id, name, scopes, secret_hash, created_at, expires_at, rotated_at, revoked_at";
    private static final RowMapper<ServiceKey> KEY = (rs, ctx) -> new ServiceKey(
            rs.getString("id"),
            rs.getString("name"),
            scopes(rs.getString("scopes")),
            rs.getString("secret_hash"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "expires_at"),
            Db.instant(rs, "rotated_at"),
            Db.instant(rs, "revoked_at"));

    private final Db db;
    private final String insert;
    private final String find;
    private final String firstPage;
    private final String nextPage;
    private final String count;
    private final String rotate;
    private final String revoke;
    private final String restore;
    private final String remove;

    JdbiServiceKeyStore(Db db) {
        this.db = db;
        this.insert = db.sql("INSERT INTO {schema}.service_keys (" + COLUMNS + """
                ) VALUES (:id, :name, :scopes, :secretHash, :createdAt, :expiresAt, :rotatedAt, :revokedAt)
                ON CONFLICT (id) DO NOTHING
                """);
        this.find = db.sql("SELECT " + COLUMNS + " FROM {schema}.service_keys WHERE id = :id");
        this.firstPage = db.sql("SELECT " + COLUMNS + " FROM {schema}.service_keys ORDER BY id LIMIT :limit");
        this.nextPage =
                db.sql("SELECT " + COLUMNS + " FROM {schema}.service_keys WHERE id > :after ORDER BY id LIMIT :limit");
        this.count = db.sql("SELECT count(*) FROM {schema}.service_keys");
        this.rotate = db.sql("""
                UPDATE {schema}.service_keys SET secret_hash = :secretHash, rotated_at = :at
                WHERE id = :id AND revoked_at IS NULL
                RETURNING {columns}
                """.replace("{columns}", COLUMNS));
        // coalesce keeps the first revocation's time; RETURNING answers the row as it now is either way.
        this.revoke = db.sql("""
                UPDATE {schema}.service_keys SET revoked_at = coalesce(revoked_at, :at)
                WHERE id = :id
                RETURNING {columns}
                """.replace("{columns}", COLUMNS));
        this.restore = db.sql("INSERT INTO {schema}.service_keys AS k (" + COLUMNS + """
                ) VALUES (:id, :name, :scopes, :secretHash, :createdAt, :expiresAt, :rotatedAt, :revokedAt)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, scopes = EXCLUDED.scopes,
                    secret_hash = EXCLUDED.secret_hash, created_at = EXCLUDED.created_at,
                    expires_at = EXCLUDED.expires_at, rotated_at = EXCLUDED.rotated_at,
                    revoked_at = EXCLUDED.revoked_at
                WHERE (k.name, k.scopes, k.secret_hash, k.created_at, k.expires_at, k.rotated_at, k.revoked_at)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.scopes, EXCLUDED.secret_hash, EXCLUDED.created_at,
                       EXCLUDED.expires_at, EXCLUDED.rotated_at, EXCLUDED.revoked_at)
                """);
        this.remove = db.sql("DELETE FROM {schema}.service_keys WHERE id = :id");
    }

    @Override
    public boolean insert(ServiceKey key) {
        return db.call(
                "serviceKeys.insert", h -> bind(h.createUpdate(insert), key).execute() == 1);
    }

    @Override
    public Optional<ServiceKey> find(String id) {
        return db.call(
                "serviceKeys.find",
                h -> h.createQuery(find).bind("id", id).map(KEY).findOne());
    }

    @Override
    public Page<ServiceKey> list(String cursor, int limit) {
        Cursors.checkLimit(limit);
        return db.call("serviceKeys.list", h -> {
            Query query = h.createQuery(cursor == null ? firstPage : nextPage);
            if (cursor != null) {
                query.bind("after", cursor);
            }
            return Pages.of(query.bind("limit", limit + 1).map(KEY).list(), limit, ServiceKey::id);
        });
    }

    @Override
    public long count() {
        return db.call(
                "serviceKeys.count", h -> h.createQuery(count).mapTo(Long.class).one());
    }

    @Override
    public Optional<ServiceKey> rotate(String id, String secretHash, Instant at) {
        return db.call(
                "serviceKeys.rotate",
                h -> h.createQuery(rotate)
                        .bind("id", id)
                        .bind("secretHash", secretHash)
                        .bindByType("at", Db.ts(at), OffsetDateTime.class)
                        .map(KEY)
                        .findOne());
    }

    @Override
    public Optional<ServiceKey> revoke(String id, Instant at) {
        return db.call(
                "serviceKeys.revoke",
                h -> h.createQuery(revoke)
                        .bind("id", id)
                        .bindByType("at", Db.ts(at), OffsetDateTime.class)
                        .map(KEY)
                        .findOne());
    }

    @Override
    public boolean restore(ServiceKey key) {
        return db.call(
                "serviceKeys.restore", h -> bind(h.createUpdate(restore), key).execute() == 1);
    }

    @Override
    public boolean remove(String id) {
        return db.call(
                "serviceKeys.remove", h -> h.createUpdate(remove).bind("id", id).execute() == 1);
    }

    private static Update bind(Update update, ServiceKey k) {
        return update.bind("id", k.id())
                .bind("name", k.name())
                .bind("scopes", scopesText(k.scopes()))
                .bind("secretHash", k.secretHash())
                .bindByType("createdAt", Db.ts(k.createdAt()), OffsetDateTime.class)
                .bindByType("expiresAt", Db.ts(k.expiresAt()), OffsetDateTime.class)
                .bindByType("rotatedAt", Db.ts(k.rotatedAt()), OffsetDateTime.class)
                .bindByType("revokedAt", Db.ts(k.revokedAt()), OffsetDateTime.class);
    }

    static String scopesText(Set<ServiceScope> scopes) {
        return scopes.stream().sorted().map(ServiceScope::wireName).collect(Collectors.joining(" "));
    }

    static Set<ServiceScope> scopes(String text) {
        Set<ServiceScope> scopes = EnumSet.noneOf(ServiceScope.class);
        for (String name : List.of(text.split(" "))) {
            // A scope this version does not know (written by a newer one) grants nothing here.
            ServiceScope.parse(name).ifPresent(scopes::add);
        }
        return scopes;
    }
}
