package dev.billing.postgres;

import dev.billing.core.error.StoreException;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link MembershipStore} on Postgres: {@code org_members}, keyed by (organization, user), with Clerk's membership id
 * unique where known (V21). {@code apply} is one statement: it finds the row the change is about (by membership id,
 * else organization and user, else organization and the user's pseudonym) and writes onto that row's key with
 * {@code INSERT ... ON CONFLICT (org_id, user_id) DO UPDATE ... WHERE <the change supersedes the row>}: the
 * conflicting row is locked and the condition re-checked against it, so duplicates, any delivery order and racing
 * writers on any number of processes end on the same row ({@link OrgMember#supersedes}: later {@code changed_at},
 * at the same instant a removal). Times are compared as Postgres keeps them, in microseconds.
 */
final class JdbiMembershipStore implements MembershipStore {
    private static final String COLUMNS = "org_id, user_id, role, active, changed_at, event_id, membership_id";
    /** How often apply runs again after a racing writer took the membership id first (it then finds that row). */
    private static final int APPLY_ATTEMPTS = 3;

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INSERT = """
            INSERT INTO {schema}.org_members AS m (org_id, user_id, role, active, changed_at, event_id, membership_id)
            VALUES (:orgId, :userId, :role, :active, :changedAt, :eventId, :membershipId)
            ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, active = EXCLUDED.active,
                changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id, membership_id = EXCLUDED.membership_id
            """;
    /**
     * The change written onto the row it is about (its key stays: an erased member's row keeps the pseudonym), or
     * inserted under its own key when there is none. The lookup reads the statement's snapshot; a row a racing
     * writer inserted meanwhile is the ON CONFLICT's, or (its membership id taken under another key) makes the
     * statement fail and run again.
     */
    private static final String APPLY = """
            WITH found AS (
                SELECT f.org_id, f.user_id FROM (
                    SELECT org_id, user_id, 1 AS rank FROM {schema}.org_members WHERE membership_id = :membershipId
                    UNION ALL
                    SELECT org_id, user_id, 2 FROM {schema}.org_members WHERE org_id = :orgId AND user_id = :userId
                    UNION ALL
                    SELECT org_id, user_id, 3 FROM {schema}.org_members WHERE org_id = :orgId AND user_id = :pseudonym
                ) f ORDER BY f.rank LIMIT 1
            )
            INSERT INTO {schema}.org_members AS m (org_id, user_id, role, active, changed_at, event_id, membership_id)
            SELECT COALESCE((SELECT org_id FROM found), CAST(:orgId AS text)),
                   COALESCE((SELECT user_id FROM found), CAST(:userId AS text)), CAST(:role AS text),
                   CAST(:active AS boolean), CAST(:changedAt AS timestamptz), CAST(:eventId AS text),
                   CAST(:membershipId AS text)
            ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, active = EXCLUDED.active,
                changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id,
                membership_id = COALESCE(EXCLUDED.membership_id, m.membership_id)
            """;
    /** OrgMember.supersedes in SQL: the incoming row is EXCLUDED, the stored one m. */
    private static final String SUPERSEDES = """
            WHERE EXCLUDED.changed_at > m.changed_at
               OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active)
            """;

    private static final RowMapper<OrgMember> MEMBER = (rs, ctx) -> new OrgMember(
            rs.getString("org_id"),
            UserId.of(rs.getString("user_id")),
            rs.getString("role"),
            rs.getBoolean("active"),
            Db.instant(rs, "changed_at"),
            rs.getString("event_id"),
            rs.getString("membership_id"));

    private final Db db;
    private final JdbiRemovals removals;
    private final String apply;
    private final String restore;
    private final String restoreMoved;
    private final String find;
    private final String ofUser;
    private final String countActive;
    private final String firstPage;
    private final String nextPage;
    private final String count;
    private final String pseudonymise;
    private final String leaseSeats;
    private final String renewSeats;
    private final String releaseSeats;

    JdbiMembershipStore(Db db) {
        this.db = db;
        // The conflicting row is locked and the condition re-checked against it: one holder wins a race.
        this.leaseSeats = db.sql("""
                INSERT INTO {schema}.seat_leases AS l (customer_id, holder, until) VALUES (:customer, :holder, :until)
                ON CONFLICT (customer_id) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
                 WHERE l.holder = EXCLUDED.holder OR l.until < :now
                """);
        this.renewSeats = db.sql(
                "UPDATE {schema}.seat_leases SET until = :until WHERE customer_id = :customer AND holder = :holder");
        this.releaseSeats =
                db.sql("DELETE FROM {schema}.seat_leases WHERE customer_id = :customer AND holder = :holder");
        this.removals = new JdbiRemovals(db);
        this.apply = db.sql(APPLY + SUPERSEDES);
        this.restoreMoved = db.sql("""
                DELETE FROM {schema}.org_members
                 WHERE membership_id = :membershipId AND (org_id, user_id) <> (:orgId, :userId)
                """);
        this.restore = db.sql(INSERT + """
                WHERE (m.role, m.active, m.changed_at, m.event_id, m.membership_id)
                    IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.active, EXCLUDED.changed_at, EXCLUDED.event_id,
                                      EXCLUDED.membership_id)
                """);
        this.find = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.org_members WHERE org_id = :orgId AND user_id = :userId
                """);
        // Served in organization order by org_members_user_idx (V7): the primary key starts with the organization.
        this.ofUser = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.org_members WHERE user_id = :userId ORDER BY org_id COLLATE "C"
                """);
        // Served index-only by the partial index org_members_active_idx (QueryPlansIT).
        this.countActive = db.sql("SELECT count(*) FROM {schema}.org_members WHERE org_id = :orgId AND active");
        this.firstPage = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.org_members
                ORDER BY org_id COLLATE "C", user_id COLLATE "C" LIMIT :limit
                """);
        this.nextPage = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.org_members
                WHERE (org_id COLLATE "C", user_id COLLATE "C") > (:orgId, :userId)
                ORDER BY org_id COLLATE "C", user_id COLLATE "C" LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.org_members");
        // Delete-and-insert in one statement rather than an UPDATE of the key: where the pseudonym already has a
        // record in the organization (an account erased again after it rejoined), the two merge by apply's rule
        // (the superseding one stays) instead of failing on the primary key. The user's rows come from
        // org_members_user_idx (QueryPlansIT); the count is the user's records, all of which are gone.
        this.pseudonymise = db.sql("""
                WITH gone AS (
                    DELETE FROM {schema}.org_members WHERE user_id = :user
                    RETURNING org_id, role, active, changed_at, event_id, membership_id
                ), moved AS (
                    INSERT INTO {schema}.org_members AS m
                        (org_id, user_id, role, active, changed_at, event_id, membership_id)
                    SELECT org_id, CAST(:pseudonym AS text), role, active, changed_at, event_id, membership_id
                      FROM gone
                    ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role, active = EXCLUDED.active,
                        changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id,
                        membership_id = COALESCE(EXCLUDED.membership_id, m.membership_id)
                    {supersedes})
                SELECT count(*) FROM gone
                """.replace("{supersedes}", SUPERSEDES.strip()));
    }

    @Override
    public boolean apply(OrgMember change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return db.call(
                        "memberships.apply",
                        h -> bind(h.createUpdate(apply), change)
                                        .bind(
                                                "pseudonym",
                                                change.userId().pseudonym().value())
                                        .execute()
                                == 1);
            } catch (StoreException e) {
                if (attempt == APPLY_ATTEMPTS || !UNIQUE_VIOLATION.equals(StoreErrors.sqlState(e))) {
                    throw e;
                }
            }
        }
    }

    @Override
    public long countActive(String orgId) {
        return db.call(
                "memberships.countActive",
                h -> h.createQuery(countActive)
                        .bind("orgId", orgId)
                        .mapTo(Long.class)
                        .one());
    }

    @Override
    public Optional<OrgMember> find(String orgId, UserId userId) {
        return db.call(
                "memberships.find",
                h -> h.createQuery(find)
                        .bind("orgId", orgId)
                        .bind("userId", userId.value())
                        .map(MEMBER)
                        .findOne());
    }

    /** Active or not, in organization order. */
    @Override
    public List<OrgMember> ofUser(UserId userId) {
        return db.call(
                "memberships.ofUser",
                h -> h.createQuery(ofUser)
                        .bind("userId", userId.value())
                        .map(MEMBER)
                        .list());
    }

    @Override
    public Page<OrgMember> list(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 2);
        return db.call("memberships.list", h -> {
            Query query = h.createQuery(position == null ? firstPage : nextPage);
            if (position != null) {
                query.bind("orgId", position.get(0)).bind("userId", position.get(1));
            }
            return Pages.of(
                    query.bind("limit", limit + 1).map(MEMBER).list(),
                    limit,
                    m -> Cursors.encode(m.orgId(), m.userId().value()));
        });
    }

    @Override
    public long count() {
        return db.call(
                "memberships.count", h -> h.createQuery(count).mapTo(Long.class).one());
    }

    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        if (user.equals(pseudonym)) {
            return 0;
        }
        return db.call(
                "memberships.pseudonymise",
                h -> Math.toIntExact(h.createQuery(pseudonymise)
                        .bind("user", user.value())
                        .bind("pseudonym", pseudonym.value())
                        .mapTo(Long.class)
                        .one()));
    }

    /**
     * Unconditional but for an identical row, which is left alone (and answers false). The same membership under
     * another key (copied before an erasure moved it) gives way to this record, in the same transaction.
     */
    @Override
    public boolean restore(OrgMember member) {
        if (member.membershipId() == null) {
            return db.call(
                    "memberships.restore",
                    h -> bind(h.createUpdate(restore), member).execute() == 1);
        }
        return db.transaction("memberships.restore", h -> {
            h.createUpdate(restoreMoved)
                    .bind("membershipId", member.membershipId())
                    .bind("orgId", member.orgId())
                    .bind("userId", member.userId().value())
                    .execute();
            return bind(h.createUpdate(restore), member).execute() == 1;
        });
    }

    private static Update bind(Update update, OrgMember m) {
        return update.bind("orgId", m.orgId())
                .bind("userId", m.userId().value())
                .bind("role", m.role())
                .bind("active", m.active())
                .bindByType("changedAt", Db.ts(m.changedAt()), OffsetDateTime.class)
                .bind("eventId", m.eventId())
                .bind("membershipId", m.membershipId());
    }

    @Override
    public boolean remove(String orgId, UserId userId) {
        return removals.member(orgId, userId);
    }

    @Override
    public boolean leaseSeats(String customerId, String holder, Instant now, Instant until) {
        return db.call(
                "memberships.leaseSeats",
                h -> h.createUpdate(leaseSeats)
                                .bind("customer", customerId)
                                .bind("holder", holder)
                                .bindByType("now", Db.ts(now), OffsetDateTime.class)
                                .bindByType("until", Db.ts(until), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public boolean renewSeats(String customerId, String holder, Instant until) {
        return db.call(
                "memberships.renewSeats",
                h -> h.createUpdate(renewSeats)
                                .bind("customer", customerId)
                                .bind("holder", holder)
                                .bindByType("until", Db.ts(until), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public void releaseSeats(String customerId, String holder) {
        db.call(
                "memberships.releaseSeats",
                h -> h.createUpdate(releaseSeats)
                        .bind("customer", customerId)
                        .bind("holder", holder)
                        .execute());
    }
}
