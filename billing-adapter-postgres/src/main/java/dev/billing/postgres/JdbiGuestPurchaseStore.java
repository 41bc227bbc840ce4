package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.port.GuestPurchaseStore;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link GuestPurchaseStore} on Postgres: {@code guest_purchases}, keyed by Checkout session id, found by the
 * normalised email through {@code guest_purchases_email_idx} (V9). {@code claim} is one statement: an
 * {@code UPDATE ... WHERE claimed_by IS NULL} in a CTE, and the rows of the email the user held before it. Racing
 * claimers wait on each other's row locks and re-check {@code claimed_by IS NULL} on the committed row, so each
 * purchase goes to exactly one of them, on any number of connections and processes. The claim that moves the
 * purchases adds a third data-modifying CTE to the same statement: the {@code purchases} rows of what the user holds
 * go to the user's customer, audited by V20's trigger. Answers are in purchase order.
 */
final class JdbiGuestPurchaseStore implements GuestPurchaseStore {
    private static final String COLUMNS = """
            session_id, email, price_id, quantity, currency, amount_total, customer_id, purchased_at, claimed_by, \
            claimed_at""";
    private static final RowMapper<GuestPurchase> PURCHASE = (rs, ctx) -> {
        String customer = rs.getString("customer_id");
        String claimedBy = rs.getString("claimed_by");
        return new GuestPurchase(
                rs.getString("session_id"),
                rs.getString("email"),
                rs.getString("price_id"),
                rs.getLong("quantity"),
                rs.getString("currency"),
                rs.getLong("amount_total"),
                customer == null ? null : CustomerId.of(customer),
                Db.instant(rs, "purchased_at"),
                claimedBy == null ? null : UserId.of(claimedBy),
                Db.instant(rs, "claimed_at"));
    };

    private final Db db;
    private final JdbiRemovals removals;
    private final String insert;
    private final String claim;
    private final String claimAndMove;
    private final String ofEmail;
    private final String claimedBy;
    private final String pseudonymise;
    private final String restore;
    private final String firstPage;
    private final String nextPage;
    private final String count;

    JdbiGuestPurchaseStore(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.insert = db.sql("INSERT INTO {schema}.guest_purchases (" + COLUMNS + """
                )
                VALUES (:sessionId, :email, :priceId, :quantity, :currency, :amountTotal, :customerId, :purchasedAt,
                    :claimedBy, :claimedAt)
                ON CONFLICT (session_id) DO NOTHING
                """);
        // The outer SELECT reads the table as it was before the CTE's UPDATE (one snapshot for the statement): it
        // finds only what the user held already, the CTE adds what this call took, so no row comes twice. A retry
        // after a lost answer takes nothing and finds everything, as the port requires.
        this.claim = db.sql("""
                WITH taken AS (
                    UPDATE {schema}.guest_purchases SET claimed_by = :user, claimed_at = :at
                    WHERE email = :email AND claimed_by IS NULL
                    RETURNING {columns}
                )
                SELECT {columns} FROM taken
                UNION ALL
                SELECT {columns} FROM {schema}.guest_purchases WHERE email = :email AND claimed_by = :user
                ORDER BY purchased_at, session_id
                """.replace("{columns}", COLUMNS));
        // The same, and the held purchases' rows move to the customer (those already there are left alone, so a
        // retry moves and audits nothing more). Every CTE runs to completion whether or not the SELECT reads it.
        this.claimAndMove = db.sql("""
                WITH taken AS (
                    UPDATE {schema}.guest_purchases SET claimed_by = :user, claimed_at = :at
                    WHERE email = :email AND claimed_by IS NULL
                    RETURNING {columns}
                ), held AS (
                    SELECT {columns} FROM taken
                    UNION ALL
                    SELECT {columns} FROM {schema}.guest_purchases WHERE email = :email AND claimed_by = :user
                ), moved AS (
                    UPDATE {schema}.purchases p SET customer_id = :customer, cause = :cause
                    FROM held h
                    WHERE p.id = h.session_id AND p.customer_id <> :customer
                    RETURNING p.id
                )
                SELECT {columns} FROM held
                ORDER BY purchased_at, session_id
                """.replace("{columns}", COLUMNS));
        this.ofEmail = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.guest_purchases WHERE email = :email ORDER BY purchased_at, session_id
                """);
        this.claimedBy = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.guest_purchases WHERE claimed_by = :user ORDER BY purchased_at, session_id
                """);
        // Migration: written as given unless the stored row is the same.
        this.restore = db.sql("INSERT INTO {schema}.guest_purchases AS g (" + COLUMNS + """
                )
                VALUES (:sessionId, :email, :priceId, :quantity, :currency, :amountTotal, :customerId, :purchasedAt,
                    :claimedBy, :claimedAt)
                ON CONFLICT (session_id) DO UPDATE SET email = EXCLUDED.email, price_id = EXCLUDED.price_id,
                    quantity = EXCLUDED.quantity, currency = EXCLUDED.currency, amount_total = EXCLUDED.amount_total,
                    customer_id = EXCLUDED.customer_id, purchased_at = EXCLUDED.purchased_at,
                    claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at
                WHERE (g.email, g.price_id, g.quantity, g.currency, g.amount_total, g.customer_id, g.purchased_at,
                       g.claimed_by, g.claimed_at)
                    IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.price_id, EXCLUDED.quantity, EXCLUDED.currency,
                       EXCLUDED.amount_total, EXCLUDED.customer_id, EXCLUDED.purchased_at, EXCLUDED.claimed_by,
                       EXCLUDED.claimed_at)
                """);
        this.firstPage = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.guest_purchases ORDER BY session_id LIMIT :limit
                """);
        this.nextPage = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.guest_purchases WHERE session_id > :after ORDER BY session_id LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.guest_purchases");
        // One statement: the user's claimed rows and the unclaimed rows of their email lose the email together.
        this.pseudonymise = db.sql("""
                UPDATE {schema}.guest_purchases
                SET email = :erased, claimed_by = CASE WHEN claimed_by = :user THEN :pseudonym ELSE claimed_by END
                WHERE claimed_by = :user OR (claimed_by IS NULL AND email = :email)
                """);
    }

    @Override
    public boolean record(GuestPurchase p) {
        return db.call("guests.record", h -> bind(h.createUpdate(insert), p).execute() == 1);
    }

    @Override
    public List<GuestPurchase> claim(String email, UserId user, Instant at) {
        String normalised = GuestPurchase.normalise(email);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        return db.call(
                "guests.claim",
                h -> h.createQuery(claim)
                        .bind("email", normalised)
                        .bind("user", user.value())
                        .bindByType("at", Db.ts(at), OffsetDateTime.class)
                        .map(PURCHASE)
                        .list());
    }

    @Override
    public List<GuestPurchase> claim(String email, UserId user, CustomerId customer, Instant at, AuditCause cause) {
        String normalised = GuestPurchase.normalise(email);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(at, "at");
        return db.call(
                "guests.claimAndMove",
                h -> h.createQuery(claimAndMove)
                        .bind("email", normalised)
                        .bind("user", user.value())
                        .bindByType("at", Db.ts(at), OffsetDateTime.class)
                        .bind("customer", customer.value())
                        .bind("cause", cause == null ? null : cause.text())
                        .map(PURCHASE)
                        .list());
    }

    @Override
    public List<GuestPurchase> ofEmail(String email) {
        String normalised = GuestPurchase.normalise(email);
        return db.call(
                "guests.ofEmail",
                h -> h.createQuery(ofEmail)
                        .bind("email", normalised)
                        .map(PURCHASE)
                        .list());
    }

    @Override
    public List<GuestPurchase> claimedBy(UserId user) {
        return db.call(
                "guests.claimedBy",
                h -> h.createQuery(claimedBy)
                        .bind("user", user.value())
                        .map(PURCHASE)
                        .list());
    }

    @Override
    public int pseudonymise(UserId user, String email, UserId pseudonym) {
        String normalised = email == null ? null : GuestPurchase.normalise(email);
        return db.call(
                "guests.pseudonymise",
                h -> h.createUpdate(pseudonymise)
                        .bind("erased", GuestPurchaseStore.erasedEmail(pseudonym))
                        .bind("user", user.value())
                        .bind("pseudonym", pseudonym.value())
                        .bind("email", normalised)
                        .execute());
    }

    @Override
    public Page<GuestPurchase> list(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 1);
        return db.call("guests.list", h -> {
            Query query = h.createQuery(position == null ? firstPage : nextPage);
            if (position != null) {
                query.bind("after", position.get(0));
            }
            return Pages.of(
                    query.bind("limit", limit + 1).map(PURCHASE).list(), limit, g -> Cursors.encode(g.sessionId()));
        });
    }

    @Override
    public long count() {
        return db.call(
                "guests.count", h -> h.createQuery(count).mapTo(Long.class).one());
    }

    @Override
    public boolean restore(GuestPurchase p) {
        return db.call("guests.restore", h -> bind(h.createUpdate(restore), p).execute() == 1);
    }

    private static Update bind(Update update, GuestPurchase p) {
        return update.bind("sessionId", p.sessionId())
                .bind("email", p.email())
                .bind("priceId", p.priceId())
                .bind("quantity", p.quantity())
                .bind("currency", p.currency())
                .bind("amountTotal", p.amountTotal())
                .bind(
                        "customerId",
                        p.customerId() == null ? null : p.customerId().value())
                .bindByType("purchasedAt", Db.ts(p.purchasedAt()), OffsetDateTime.class)
                .bind("claimedBy", p.claimedBy() == null ? null : p.claimedBy().value())
                .bindByType("claimedAt", Db.ts(p.claimedAt()), OffsetDateTime.class);
    }

    @Override
    public boolean remove(String sessionId) {
        return removals.guest(sessionId);
    }
}
