package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@link ProjectionChanges} on Postgres: an identity-keyed table; a batch is one {@code INSERT ... SELECT unnest}.
 * Identity values are taken at insert and made visible at commit, so a reader can see a position before a lower
 * one; {@code CacheSync} in the core waits for such gaps.
 */
final class JdbiProjectionChanges implements ProjectionChanges {
    private static final RowMapper<Change> CHANGE = (rs, ctx) -> new Change(
            rs.getLong("position"),
            rs.getString("origin"),
            CustomerId.of(rs.getString("customer_id")),
            Db.instant(rs, "changed_at"));

    private final Db db;
    private final String append;
    private final String after;
    private final String head;
    private final String prune;

    JdbiProjectionChanges(Db db) {
        this.db = db;
        this.append = db.sql("""
                INSERT INTO {schema}.projection_changes (origin, customer_id, changed_at)
                SELECT :origin, unnest(:customers), :at
                """);
        this.after = db.sql("""
                SELECT position, origin, customer_id, changed_at FROM {schema}.projection_changes
                WHERE position > :after ORDER BY position LIMIT :limit
                """);
        this.head = db.sql("SELECT coalesce(max(position), 0) FROM {schema}.projection_changes");
        this.prune = db.sql("DELETE FROM {schema}.projection_changes WHERE changed_at < :before");
    }

    @Override
    public void append(String origin, Collection<CustomerId> customers, Instant at) {
        if (customers.isEmpty()) {
            return;
        }
        db.call(
                "changes.append",
                h -> h.createUpdate(append)
                        .bind("origin", origin)
                        .bindArray(
                                "customers",
                                String.class,
                                customers.stream().map(CustomerId::value).toList())
                        .bindByType("at", Db.ts(at), OffsetDateTime.class)
                        .execute());
    }

    @Override
    public List<Change> after(long position, int limit) {
        Cursors.checkLimit(limit);
        return db.call(
                "changes.after",
                h -> h.createQuery(after)
                        .bind("after", position)
                        .bind("limit", limit)
                        .map(CHANGE)
                        .list());
    }

    @Override
    public long head() {
        return db.call(
                "changes.head", h -> h.createQuery(head).mapTo(Long.class).one());
    }

    @Override
    public int prune(Instant before) {
        return db.call(
                "changes.prune",
                h -> h.createUpdate(prune)
                        .bindByType("before", Db.ts(before), OffsetDateTime.class)
                        .execute());
    }
}
