package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.CustomerStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link CustomerStore} on Postgres: the table's two unique constraints (user, customer) decide every race, across
 * any number of processes; {@code link} is one {@code INSERT ... ON CONFLICT DO NOTHING}. {@code pseudonymise}
 * and {@code retire} move the row to another user id in place, so the customer's unique constraint keeps the customer
 * taken.
 */
final class JdbiCustomerStore implements CustomerStore {
    /** The most links one statement inserts. */
    static final int MAX_BATCH = 64;
    /** Inserts of one link that may each meet a conflict removed before it is read; more means churn, not a race. */
    private static final int LINK_ATTEMPTS = 3;

    private static final RowMapper<CustomerLink> LINK = (rs, ctx) -> link(rs);

    private final Db db;
    private final JdbiRemovals removals;
    private final String byUser;
    private final String byCustomer;
    private final String byCustomers;
    private final String byEmail;
    private final String insert;
    private final MultiRowSql insertBatch;
    private final String byUsersOrCustomers;
    private final String firstPage;
    private final String nextPage;
    private final String count;
    private final String pseudonymise;
    private final String pseudonymiseAudit;
    private final String retire;

    JdbiCustomerStore(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.byUser = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers WHERE user_id = :user
                """);
        this.byCustomer = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers WHERE customer_id = :customer
                """);
        this.byCustomers = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers
                WHERE customer_id = ANY(?)
                """);
        // An admin's search by e-mail, along customers_email_lower_idx (V24), which every link writes an entry in.
        this.byEmail = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers
                WHERE lower(email) = lower(:email) ORDER BY created_at, user_id LIMIT :limit
                """);
        this.insert = db.sql("""
                INSERT INTO {schema}.customers (user_id, customer_id, email, created_at, cause)
                VALUES (:user, :customer, :email, :createdAt, :cause)
                ON CONFLICT DO NOTHING
                RETURNING user_id, customer_id, email, created_at
                """);
        this.insertBatch = new MultiRowSql(MAX_BATCH, db.sql("""
                INSERT INTO {schema}.customers (user_id, customer_id, email, created_at, cause)
                VALUES """), "(?, ?, ?, ?, ?)", """

                ON CONFLICT DO NOTHING
                RETURNING user_id, customer_id, email, created_at""");
        this.byUsersOrCustomers = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers
                WHERE user_id = ANY(:users) OR customer_id = ANY(:customers)
                """);
        this.firstPage = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers
                ORDER BY user_id COLLATE "C" LIMIT :limit
                """);
        this.nextPage = db.sql("""
                SELECT user_id, customer_id, email, created_at FROM {schema}.customers
                WHERE user_id COLLATE "C" > :after
                ORDER BY user_id COLLATE "C" LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.customers");
        // The row keeps its customer (still taken by customers_customer_id_key) and loses the email; V8's UPDATE
        // trigger audits it as 'pseudonymised' under the pseudonym.
        this.pseudonymise = db.sql("""
                UPDATE {schema}.customers SET user_id = :pseudonym, email = NULL, cause = :cause WHERE user_id = :user
                """);
        // The row keeps its customer and email under the holder id; V29's trigger audits it as 'deleted', naming the
        // account (not the holder), so the account's own entries stay as they are.
        this.retire = db.sql("""
                UPDATE {schema}.customers SET user_id = :holder, cause = :cause
                WHERE user_id = :user AND customer_id = :customer
                """);
        // The audit trail forgets the erased id too; V8's partial index audit_log_user_idx finds its rows.
        this.pseudonymiseAudit = db.sql("""
                UPDATE {schema}.audit_log SET user_id = :pseudonym WHERE user_id = :user
                """);
    }

    @Override
    public Optional<CustomerLink> findByUserId(UserId userId) {
        return db.call(
                "customers.findByUserId",
                h -> h.createQuery(byUser)
                        .bind("user", userId.value())
                        .map(LINK)
                        .findOne());
    }

    @Override
    public Optional<CustomerLink> findByCustomerId(CustomerId customerId) {
        return db.call(
                "customers.findByCustomerId",
                h -> h.createQuery(byCustomer)
                        .bind("customer", customerId.value())
                        .map(LINK)
                        .findOne());
    }

    @Override
    public Map<CustomerId, CustomerLink> findByCustomerIds(Collection<CustomerId> customerIds) {
        if (customerIds.isEmpty()) {
            return Map.of();
        }
        String[] ids = customerIds.stream().map(CustomerId::value).distinct().toArray(String[]::new);
        // Plain JDBC (Db#jdbc): the webhook drainer reads a batch's links this way for every batch.
        return db.jdbc("customers.findByCustomerIds", connection -> {
            Map<CustomerId, CustomerLink> found = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(byCustomers)) {
                statement.setArray(1, connection.createArrayOf("text", ids));
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        CustomerLink link = link(rs);
                        found.put(link.customerId(), link);
                    }
                }
            }
            return found;
        });
    }

    private static CustomerLink link(ResultSet rs) throws SQLException {
        return new CustomerLink(
                UserId.of(rs.getString("user_id")),
                CustomerId.of(rs.getString("customer_id")),
                rs.getString("email"),
                Db.instant(rs, "created_at"));
    }

    @Override
    public List<CustomerLink> findByEmail(String email, int limit) {
        return db.call(
                "customers.findByEmail",
                h -> h.createQuery(byEmail)
                        .bind("email", email)
                        .bind("limit", limit)
                        .map(LINK)
                        .list());
    }

    @Override
    public LinkResult link(CustomerLink link) {
        return link(link, null);
    }

    /** The cause goes into the row, and V11's trigger copies it into the audit trail when the row is inserted. */
    @Override
    public LinkResult link(CustomerLink link, AuditCause cause) {
        return db.call("customers.link", h -> linkOne(h, link, cause == null ? null : cause.text()));
    }

    /**
     * Inserts, or answers with the link standing in the way. ON CONFLICT DO NOTHING waited for a conflicting insert
     * to commit, so the standing row is visible to the next statement, unless it was removed in between: then the
     * insert is tried again.
     */
    private LinkResult linkOne(Handle h, CustomerLink link, String cause) {
        for (int attempt = 1; ; attempt++) {
            Optional<CustomerLink> inserted = h.createQuery(insert)
                    .bind("user", link.userId().value())
                    .bind("customer", link.customerId().value())
                    .bind("email", link.email())
                    .bindByType("createdAt", Db.ts(link.createdAt()), OffsetDateTime.class)
                    .bind("cause", cause)
                    .map(LINK)
                    .findOne();
            if (inserted.isPresent()) {
                return new LinkResult.Linked(inserted.get()); // as stored (Postgres keeps microseconds)
            }
            Optional<CustomerLink> userLink = h.createQuery(byUser)
                    .bind("user", link.userId().value())
                    .map(LINK)
                    .findOne();
            if (userLink.isPresent()) {
                return new LinkResult.UserAlreadyLinked(userLink.get());
            }
            Optional<CustomerLink> customerLink = h.createQuery(byCustomer)
                    .bind("customer", link.customerId().value())
                    .map(LINK)
                    .findOne();
            if (customerLink.isPresent()) {
                return new LinkResult.CustomerAlreadyLinked(customerLink.get());
            }
            if (attempt == LINK_ATTEMPTS) {
                throw Db.corrupt("a link conflicted " + LINK_ATTEMPTS + " times but neither side stayed stored");
            }
        }
    }

    /**
     * In rounds of distinct users, each one multi-row {@code INSERT ... ON CONFLICT DO NOTHING} (one commit); the
     * links a round did not insert are then answered from one read of the links standing in their way.
     */
    @Override
    public List<LinkResult> linkAll(List<CustomerLink> links) {
        return linkAll(links, Collections.nCopies(links.size(), null));
    }

    /** {@link #linkAll(List)}, each row carrying its own cause (V11's trigger audits each insert with it). */
    @Override
    public List<LinkResult> linkAll(List<CustomerLink> links, List<AuditCause> causes) {
        if (causes.size() != links.size()) {
            throw new IllegalArgumentException("one cause per link");
        }
        List<CausedLink> rows = new ArrayList<>(links.size());
        for (int i = 0; i < links.size(); i++) {
            rows.add(new CausedLink(
                    links.get(i), causes.get(i) == null ? null : causes.get(i).text()));
        }
        return MultiRowSql.inRounds(
                rows, r -> List.of(r.link().userId(), r.link().customerId()), MAX_BATCH, this::linkRound);
    }

    /** Whether this store writes to {@code other}'s database and schema (one statement may then write both). */
    boolean writesTo(Db other) {
        return db == other;
    }

    /** A link and the text of its cause (captured with the call, whoever writes the round). */
    private record CausedLink(CustomerLink link, String cause) {}

    private List<LinkResult> linkRound(List<CausedLink> caused) {
        List<CustomerLink> rows = caused.stream().map(CausedLink::link).toList();
        List<CausedLink> sorted = new ArrayList<>(caused);
        // one lock order for every instance's batches
        sorted.sort(Comparator.comparing(r -> r.link().userId().value()));
        return db.call("customers.linkAll", h -> {
            Query insertRows = h.createQuery(insertBatch.forRows(sorted.size()));
            int i = 0;
            for (CausedLink row : sorted) {
                CustomerLink link = row.link();
                insertRows
                        .bind(i++, link.userId().value())
                        .bind(i++, link.customerId().value())
                        .bind(i++, link.email())
                        .bindByType(i++, Db.ts(link.createdAt()), OffsetDateTime.class)
                        .bind(i++, row.cause());
            }
            Map<UserId, CustomerLink> inserted = new HashMap<>();
            insertRows.map(LINK).forEach(l -> inserted.put(l.userId(), l));
            Map<UserId, CustomerLink> byUserId = new HashMap<>();
            Map<CustomerId, CustomerLink> byCustomerId = new HashMap<>();
            if (inserted.size() < rows.size()) {
                h.createQuery(byUsersOrCustomers)
                        .bindArray(
                                "users",
                                String.class,
                                rows.stream().map(l -> l.userId().value()).toList())
                        .bindArray(
                                "customers",
                                String.class,
                                rows.stream().map(l -> l.customerId().value()).toList())
                        .map(LINK)
                        .forEach(l -> {
                            byUserId.put(l.userId(), l);
                            byCustomerId.put(l.customerId(), l);
                        });
            }
            List<LinkResult> answers = new ArrayList<>(rows.size());
            for (CausedLink row : caused) {
                CustomerLink link = row.link();
                CustomerLink mine = inserted.get(link.userId());
                if (mine != null && mine.customerId().equals(link.customerId())) {
                    answers.add(new LinkResult.Linked(mine));
                } else if (byUserId.containsKey(link.userId())) {
                    answers.add(new LinkResult.UserAlreadyLinked(byUserId.get(link.userId())));
                } else if (byCustomerId.containsKey(link.customerId())) {
                    answers.add(new LinkResult.CustomerAlreadyLinked(byCustomerId.get(link.customerId())));
                } else {
                    // The row in its way was removed after the insert met it.
                    answers.add(linkOne(h, link, row.cause()));
                }
            }
            return answers;
        });
    }

    @Override
    public Page<CustomerLink> list(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> after = Cursors.decode(cursor, 1);
        return db.call("customers.list", h -> {
            Query query = after == null
                    ? h.createQuery(firstPage)
                    : h.createQuery(nextPage).bind("after", after.get(0));
            List<CustomerLink> rows = query.bind("limit", limit + 1).map(LINK).list();
            return Pages.of(rows, limit, l -> Cursors.encode(l.userId().value()));
        });
    }

    @Override
    public long count() {
        return db.call(
                "customers.count", h -> h.createQuery(count).mapTo(Long.class).one());
    }

    /**
     * One transaction: the link moves to the pseudonym without its email, and the audit rows that named the user
     * name the pseudonym instead (also when the link had moved before, so a retry leaves no trace either).
     */
    @Override
    public boolean pseudonymise(UserId user, UserId pseudonym) {
        return pseudonymise(user, pseudonym, null);
    }

    @Override
    public boolean pseudonymise(UserId user, UserId pseudonym, AuditCause cause) {
        if (user.equals(pseudonym)) {
            return false; // an id that is already a pseudonym has nothing of its own left to erase
        }
        return db.transaction("customers.pseudonymise", h -> {
            boolean moved = h.createUpdate(pseudonymise)
                            .bind("user", user.value())
                            .bind("pseudonym", pseudonym.value())
                            .bind("cause", cause == null ? null : cause.text())
                            .execute()
                    == 1;
            h.createUpdate(pseudonymiseAudit)
                    .bind("user", user.value())
                    .bind("pseudonym", pseudonym.value())
                    .execute();
            return moved;
        });
    }

    @Override
    public boolean retire(CustomerLink link, UserId holder, AuditCause cause) {
        return db.call(
                "customers.retire",
                h -> h.createUpdate(retire)
                                .bind("user", link.userId().value())
                                .bind("customer", link.customerId().value())
                                .bind("holder", holder.value())
                                .bind("cause", cause == null ? null : cause.text())
                                .execute()
                        == 1);
    }

    @Override
    public boolean remove(UserId user) {
        return removals.link(user);
    }
}
