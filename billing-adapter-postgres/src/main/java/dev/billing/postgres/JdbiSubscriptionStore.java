package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.SubscriptionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link SubscriptionStore} on Postgres. Subscriptions and invoices are written by one watermark-guarded upsert
 * ({@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE stored.source_version < EXCLUDED.source_version}), so
 * racing writers on any number of processes end on the newest version; purchases and invoice payments are
 * insert-once. Erasure rewrites
 * only the {@code user_id} key of a subscription's metadata, in place, and leaves its version alone.
 */
final class JdbiSubscriptionStore implements SubscriptionStore {

    /** The watermark guard of every subscription upsert, single or batched. */
    private static final String SUBSCRIPTION_CONFLICT = """
            ON CONFLICT (id) DO UPDATE SET
                cause = EXCLUDED.cause,
                customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, price_id = EXCLUDED.price_id,
                quantity = EXCLUDED.quantity, current_period_start = EXCLUDED.current_period_start,
                current_period_end = EXCLUDED.current_period_end,
                cancel_at_period_end = EXCLUDED.cancel_at_period_end, cancel_at = EXCLUDED.cancel_at,
                canceled_at = EXCLUDED.canceled_at, ended_at = EXCLUDED.ended_at,
                trial_start = EXCLUDED.trial_start, trial_end = EXCLUDED.trial_end, created = EXCLUDED.created,
                metadata = EXCLUDED.metadata, source_version = EXCLUDED.source_version,
                currency = EXCLUDED.currency, unit_amount = EXCLUDED.unit_amount,
                recurring_interval = EXCLUDED.recurring_interval, interval_count = EXCLUDED.interval_count,
                percent_off = EXCLUDED.percent_off, amount_off = EXCLUDED.amount_off,
                amount_off_currency = EXCLUDED.amount_off_currency,
                past_due_since = CASE
                    WHEN EXCLUDED.status <> 'past_due' THEN NULL
                    WHEN s.status <> 'past_due'
                        THEN COALESCE(EXCLUDED.past_due_since, to_timestamp(EXCLUDED.source_version / 10000000))
                    WHEN s.past_due_bound THEN GREATEST(s.past_due_since, EXCLUDED.past_due_since)
                    ELSE COALESCE(EXCLUDED.past_due_since, s.past_due_since) END,
                past_due_bound = EXCLUDED.past_due_bound OR (s.past_due_bound AND EXCLUDED.status = 'past_due')
            WHERE s.source_version < EXCLUDED.source_version""";
    /** The most subscriptions one group-committed upsert writes. */
    static final int MAX_BATCH = 64;

    private final Db db;
    private final JdbiRemovals removals;
    private final Coalescer<Caused, UpsertResult> subscriptionUpserts;
    private final MultiRowSql subscriptionBatch;
    private final String subscriptionVersions;
    private final String pastDueBound;
    private final String findSubscription;
    private final String subscriptionsOf;
    private final String subscriptionsFirst;
    private final String subscriptionsAfter;
    private final String countSubscriptions;
    private final String pseudonymise;
    private final JdbiRefunds refunds;
    private final JdbiInvoicePayments invoicePayments;
    private final JdbiInvoices invoices;
    private final JdbiPurchases purchases;

    JdbiSubscriptionStore(Db db) {
        this.db = db;
        this.removals = new JdbiRemovals(db);
        this.refunds = new JdbiRefunds(db);
        this.invoicePayments = new JdbiInvoicePayments(db);
        this.invoices = new JdbiInvoices(db);
        this.purchases = new JdbiPurchases(db);
        this.subscriptionUpserts =
                new Coalescer<>(MAX_BATCH, c -> c.subscription().id(), this::writeSubscriptions);
        this.subscriptionBatch = new MultiRowSql(
                MAX_BATCH,
                db.sql("""
                INSERT INTO {schema}.subscriptions AS s (cause, id, customer_id, status, price_id, quantity,
                    current_period_start, current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at,
                    trial_start, trial_end, created, metadata, source_version, currency, unit_amount,
                    recurring_interval, interval_count, percent_off, amount_off, amount_off_currency, past_due_since,
                    past_due_bound)
                VALUES """),
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "\n" + SUBSCRIPTION_CONFLICT + "\nRETURNING id");
        this.subscriptionVersions = db.sql("SELECT id, source_version FROM {schema}.subscriptions WHERE id = ANY(?)");
        // SUBSCRIPTION_CONFLICT's rule for a past-due row, for a write it did not apply (SubscriptionStore's contract).
        this.pastDueBound = db.sql("""
                UPDATE {schema}.subscriptions SET past_due_bound = true,
                    past_due_since = CASE WHEN past_due_bound THEN GREATEST(past_due_since, ?) ELSE ? END
                WHERE id = ? AND status = 'past_due' AND (NOT past_due_bound OR past_due_since < ?)""");
        this.findSubscription =
                db.sql("SELECT " + SubscriptionColumns.SELECTED + " FROM {schema}.subscriptions WHERE id = :id");
        this.subscriptionsOf = db.sql("SELECT " + SubscriptionColumns.SELECTED + """
                 FROM {schema}.subscriptions WHERE customer_id = :customerId
                ORDER BY created DESC, id COLLATE "C"
                """);
        this.subscriptionsFirst = db.sql("SELECT " + SubscriptionColumns.SELECTED + """
                 FROM {schema}.subscriptions ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.subscriptionsAfter = db.sql("SELECT " + SubscriptionColumns.SELECTED + """
                 FROM {schema}.subscriptions WHERE id COLLATE "C" > :after ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.countSubscriptions = db.sql("SELECT count(*) FROM {schema}.subscriptions");
        // jsonb_set replaces the one key and keeps the rest of the metadata; the customer's rows come from
        // subscriptions_customer_created_idx (QueryPlansIT). No status change, so no audit row (V2's trigger).
        this.pseudonymise = db.sql("""
                UPDATE {schema}.subscriptions
                SET metadata = jsonb_set(metadata, '{user_id}', to_jsonb(CAST(:pseudonym AS text)))
                WHERE customer_id = :customerId AND metadata ->> 'user_id' = :user
                """);
    }

    /**
     * Group-committed with concurrent upserts of other subscriptions ({@link Coalescer}; two versions of one
     * subscription never share a statement): returns once the row is committed, like a lone upsert would. A batch
     * of one is the same statement with one row.
     */
    @Override
    public UpsertResult upsertSubscription(Subscription s) {
        return upsertSubscription(s, null);
    }

    /**
     * The cause travels with the row into the group commit (captured here, on the caller's thread), so each row of a
     * shared statement carries its own; V11's triggers copy it into the audit trail when the row changes.
     */
    @Override
    public UpsertResult upsertSubscription(Subscription s, AuditCause cause) {
        return subscriptionUpserts.submit(new Caused(s, cause));
    }

    /**
     * The caller's batch written directly (not through the group commit): in rounds of distinct subscriptions, each
     * one multi-row statement and one commit, so a later version of a subscription meets the earlier one's result.
     */
    @Override
    public List<UpsertResult> upsertSubscriptions(List<Subscription> subscriptions) {
        return upsertSubscriptions(subscriptions, Collections.nCopies(subscriptions.size(), null));
    }

    @Override
    public List<UpsertResult> upsertSubscriptions(List<Subscription> subscriptions, List<AuditCause> causes) {
        if (causes.size() != subscriptions.size()) {
            throw new IllegalArgumentException("one cause per subscription");
        }
        List<Caused> rows = new ArrayList<>(subscriptions.size());
        for (int i = 0; i < subscriptions.size(); i++) {
            rows.add(new Caused(subscriptions.get(i), causes.get(i)));
        }
        return MultiRowSql.inRounds(rows, c -> List.of(c.subscription().id()), MAX_BATCH, this::writeSubscriptions);
    }

    /** A subscription to write and the text of its cause (null: none). */
    private record Caused(Subscription subscription, String cause) {
        Caused(Subscription subscription, AuditCause cause) {
            this(subscription, cause == null ? null : cause.text());
        }
    }

    /** The batch as one multi-row watermark upsert; the rows it did not change are then told apart by version. */
    private List<UpsertResult> writeSubscriptions(List<Caused> caused) {
        List<Subscription> rows = caused.stream().map(Caused::subscription).toList();
        List<Caused> sorted = new ArrayList<>(caused);
        // one lock order for every instance's batches
        sorted.sort(Comparator.comparing(c -> c.subscription().id()));
        Map<String, UpsertResult> results = db.jdbc("subscriptions.upsertSubscription", connection -> {
            Set<String> applied = new HashSet<>(upsertRows(connection, sorted));
            Map<String, UpsertResult> answers = new HashMap<>();
            Map<String, Long> unchanged = new HashMap<>();
            for (Subscription s : rows) {
                if (applied.contains(s.id())) {
                    answers.put(s.id(), UpsertResult.APPLIED);
                } else {
                    unchanged.put(s.id(), s.version().key());
                }
            }
            if (!unchanged.isEmpty()) {
                keepPastDueBounds(connection, rows, unchanged.keySet());
                try (PreparedStatement versions = connection.prepareStatement(subscriptionVersions)) {
                    versions.setArray(
                            1,
                            connection.createArrayOf("text", unchanged.keySet().toArray()));
                    try (ResultSet rs = versions.executeQuery()) {
                        while (rs.next()) {
                            answers.put(
                                    rs.getString(1),
                                    unchanged.get(rs.getString(1)) == rs.getLong(2)
                                            ? UpsertResult.SAME_VERSION
                                            : UpsertResult.STALE);
                        }
                    }
                }
            }
            return answers;
        });
        List<UpsertResult> answers = new ArrayList<>(rows.size());
        for (Subscription s : rows) {
            UpsertResult result = results.get(s.id());
            if (result == null) {
                throw Db.corrupt("an upsert conflicted on a row that is gone");
            }
            answers.add(result);
        }
        return answers;
    }

    /**
     * The past-due bounds the writes not applied carry still date the stored spell: two reads of one subscription
     * answered out of order must not lose the turning event's bound with the older read.
     */
    private void keepPastDueBounds(Connection connection, List<Subscription> rows, Set<String> unchanged)
            throws SQLException {
        List<Subscription> bounds = rows.stream()
                .filter(s -> s.pastDueSince() != null && unchanged.contains(s.id()))
                .toList();
        if (bounds.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(pastDueBound)) {
            for (Subscription s : bounds) {
                Db.setInstant(update, 1, s.pastDueSince());
                Db.setInstant(update, 2, s.pastDueSince());
                update.setString(3, s.id());
                Db.setInstant(update, 4, s.pastDueSince());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** The multi-row watermark upsert (plain JDBC, {@link Db#jdbc}); returns the ids of the rows it wrote. */
    private List<String> upsertRows(Connection connection, List<Caused> sorted) throws SQLException {
        return Db.strings(connection, subscriptionBatch.forRows(sorted.size()), statement -> {
            int i = 0;
            for (Caused c : sorted) {
                Subscription s = c.subscription();
                Db.setText(statement, ++i, c.cause());
                statement.setString(++i, s.id());
                statement.setString(++i, s.customerId().value());
                statement.setString(++i, s.status().stripeName());
                Db.setText(statement, ++i, s.priceId());
                statement.setLong(++i, s.quantity());
                Db.setInstant(statement, ++i, s.currentPeriodStart());
                Db.setInstant(statement, ++i, s.currentPeriodEnd());
                statement.setBoolean(++i, s.cancelAtPeriodEnd());
                Db.setInstant(statement, ++i, s.cancelAt());
                Db.setInstant(statement, ++i, s.canceledAt());
                Db.setInstant(statement, ++i, s.endedAt());
                Db.setInstant(statement, ++i, s.trialStart());
                Db.setInstant(statement, ++i, s.trialEnd());
                Db.setInstant(statement, ++i, s.created());
                statement.setString(++i, JsonMaps.write(s.metadata()));
                statement.setLong(++i, s.version().key());
                i = SubscriptionColumns.setPricing(statement, i, s.pricing());
                Db.setInstant(statement, ++i, s.pastDueSince());
                statement.setBoolean(++i, s.pastDueSince() != null); // a time given is a bound (V27)
            }
        });
    }

    /** The seven pricing columns, all NULL when the pricing is unknown; returns the last index set. */
    @Override
    public Optional<Subscription> findSubscription(String subscriptionId) {
        return db.call(
                "subscriptions.findSubscription",
                h -> h.createQuery(findSubscription)
                        .bind("id", subscriptionId)
                        .map(SubscriptionColumns.SUBSCRIPTION)
                        .findOne());
    }

    @Override
    public List<Subscription> subscriptionsOf(CustomerId customerId) {
        return db.call(
                "subscriptions.subscriptionsOf",
                h -> h.createQuery(subscriptionsOf)
                        .bind("customerId", customerId.value())
                        .map(SubscriptionColumns.SUBSCRIPTION)
                        .list());
    }

    @Override
    public UpsertResult upsertInvoice(Invoice i) {
        return upsertInvoice(i, null);
    }

    /** V11's triggers audit an invoice that becomes paid, with this cause. */
    @Override
    public UpsertResult upsertInvoice(Invoice i, AuditCause cause) {
        long version = i.version().key();
        return db.call("subscriptions.upsertInvoice", h -> {
            Optional<Long> applied = h.createQuery(invoices.upsert)
                    .bind("cause", cause == null ? null : cause.text())
                    .bind("id", i.id())
                    .bind("customerId", i.customerId().value())
                    .bind("subscriptionId", i.subscriptionId())
                    .bind("status", i.status().stripeName())
                    .bind("number", i.number())
                    .bind("currency", i.currency())
                    .bind("amountDue", i.amountDue())
                    .bind("amountPaid", i.amountPaid())
                    .bind("amountRemaining", i.amountRemaining())
                    .bindByType("tax", i.tax(), Long.class)
                    .bind("hostedInvoiceUrl", i.hostedInvoiceUrl())
                    .bind("invoicePdf", i.invoicePdf())
                    .bind("billingReason", i.billingReason())
                    .bindByType("periodStart", Db.ts(i.periodStart()), OffsetDateTime.class)
                    .bindByType("periodEnd", Db.ts(i.periodEnd()), OffsetDateTime.class)
                    .bindByType("created", Db.ts(i.created()), OffsetDateTime.class)
                    .bind("sourceVersion", version)
                    .mapTo(Long.class)
                    .findOne();
            return applied.isPresent() ? UpsertResult.APPLIED : notApplied(h, invoices.version, i.id(), version);
        });
    }

    @Override
    public Optional<Invoice> findInvoice(String invoiceId) {
        return db.call(
                "subscriptions.findInvoice",
                h -> h.createQuery(invoices.find)
                        .bind("id", invoiceId)
                        .map(JdbiInvoices.INVOICE)
                        .findOne());
    }

    @Override
    public List<Invoice> invoicesOf(CustomerId customerId) {
        return db.call(
                "subscriptions.invoicesOf",
                h -> h.createQuery(invoices.of)
                        .bind("customerId", customerId.value())
                        .map(JdbiInvoices.INVOICE)
                        .list());
    }

    @Override
    public boolean recordPurchase(Purchase p) {
        return recordPurchase(p, null);
    }

    @Override
    public boolean recordPurchase(Purchase p, AuditCause cause) {
        return db.call(
                "subscriptions.recordPurchase",
                h -> h.createUpdate(purchases.insert)
                                .bind("cause", cause == null ? null : cause.text())
                                .bind("id", p.id())
                                .bind("customerId", p.customerId().value())
                                .bind("priceId", p.priceId())
                                .bind("quantity", p.quantity())
                                .bind("currency", p.currency())
                                .bind("amountTotal", p.amountTotal())
                                .bind("paymentIntentId", p.paymentIntentId())
                                .bindByType("purchasedAt", Db.ts(p.purchasedAt()), OffsetDateTime.class)
                                .execute()
                        == 1);
    }

    @Override
    public List<Purchase> purchasesOf(CustomerId customerId) {
        return db.call(
                "subscriptions.purchasesOf",
                h -> h.createQuery(purchases.of)
                        .bind("customerId", customerId.value())
                        .map(JdbiPurchases.PURCHASE)
                        .list());
    }

    @Override
    public UpsertResult upsertRefund(PaymentRefund r) {
        return db.call(
                "subscriptions.upsertRefund",
                h -> refunds.upsert(h, r).isPresent()
                        ? UpsertResult.APPLIED
                        : notApplied(h, refunds.version, r.id(), r.version().key()));
    }

    @Override
    public List<PaymentRefund> refundsOf(CustomerId customerId) {
        return db.call(
                "subscriptions.refundsOf",
                h -> h.createQuery(refunds.of)
                        .bind("customerId", customerId.value())
                        .map(JdbiRefunds.REFUND)
                        .list());
    }

    @Override
    public Page<PaymentRefund> listRefunds(String cursor, int limit) {
        return page(
                "subscriptions.listRefunds",
                refunds.first,
                refunds.after,
                cursor,
                limit,
                JdbiRefunds.REFUND,
                PaymentRefund::id);
    }

    @Override
    public long countRefunds() {
        return db.call(
                "subscriptions.countRefunds",
                h -> h.createQuery(refunds.count).mapTo(Long.class).one());
    }

    @Override
    public boolean recordInvoicePayment(InvoicePayment p) {
        return invoicePayments.record(p);
    }

    @Override
    public List<InvoicePayment> invoicePaymentsOf(Collection<String> invoiceIds) {
        return invoicePayments.of(invoiceIds);
    }

    @Override
    public Page<InvoicePayment> listInvoicePayments(String cursor, int limit) {
        return invoicePayments.list(cursor, limit);
    }

    @Override
    public long countInvoicePayments() {
        return invoicePayments.count();
    }

    @Override
    public Page<Subscription> listSubscriptions(String cursor, int limit) {
        return page(
                "subscriptions.listSubscriptions",
                subscriptionsFirst,
                subscriptionsAfter,
                cursor,
                limit,
                SubscriptionColumns.SUBSCRIPTION,
                Subscription::id);
    }

    @Override
    public Page<Invoice> listInvoices(String cursor, int limit) {
        return page(
                "subscriptions.listInvoices",
                invoices.first,
                invoices.after,
                cursor,
                limit,
                JdbiInvoices.INVOICE,
                Invoice::id);
    }

    @Override
    public Page<Purchase> listPurchases(String cursor, int limit) {
        return page(
                "subscriptions.listPurchases",
                purchases.first,
                purchases.after,
                cursor,
                limit,
                JdbiPurchases.PURCHASE,
                Purchase::id);
    }

    @Override
    public long countSubscriptions() {
        return db.call(
                "subscriptions.countSubscriptions",
                h -> h.createQuery(countSubscriptions).mapTo(Long.class).one());
    }

    /** One UPDATE; the version stays, so a newer snapshot from Stripe still applies over it. */
    @Override
    public int pseudonymise(CustomerId customer, UserId user, UserId pseudonym) {
        if (user.equals(pseudonym)) {
            return 0;
        }
        return db.call(
                "subscriptions.pseudonymise",
                h -> h.createUpdate(pseudonymise)
                        .bind("customerId", customer.value())
                        .bind("user", user.value())
                        .bind("pseudonym", pseudonym.value())
                        .execute());
    }

    @Override
    public long countInvoices() {
        return db.call(
                "subscriptions.countInvoices",
                h -> h.createQuery(invoices.count).mapTo(Long.class).one());
    }

    @Override
    public long countPurchases() {
        return db.call(
                "subscriptions.countPurchases",
                h -> h.createQuery(purchases.count).mapTo(Long.class).one());
    }

    /**
     * The upsert returned no row: a row exists whose version is not older. Versions only grow, so reading it now
     * tells SAME_VERSION from STALE (a newer write landing in between makes a tie read as STALE: both mean
     * "nothing changed").
     */
    private static UpsertResult notApplied(Handle h, String versionSql, String id, long version) {
        long stored = h.createQuery(versionSql)
                .bind("id", id)
                .mapTo(Long.class)
                .findOne()
                .orElseThrow(() -> Db.corrupt("an upsert conflicted on a row that is gone"));
        return stored == version ? UpsertResult.SAME_VERSION : UpsertResult.STALE;
    }

    private <T> Page<T> page(
            String operation,
            String first,
            String after,
            String cursor,
            int limit,
            RowMapper<T> mapper,
            Function<T, String> id) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 1);
        return db.call(operation, h -> {
            Query query = position == null
                    ? h.createQuery(first)
                    : h.createQuery(after).bind("after", position.get(0));
            return Pages.of(
                    query.bind("limit", limit + 1).map(mapper).list(), limit, row -> Cursors.encode(id.apply(row)));
        });
    }

    @Override
    public boolean removeSubscription(String subscriptionId) {
        return removals.subscription(subscriptionId);
    }

    @Override
    public boolean removeInvoice(String invoiceId) {
        return removals.invoice(invoiceId);
    }

    @Override
    public boolean removePurchase(String purchaseId) {
        return removals.purchase(purchaseId);
    }

    @Override
    public boolean removeRefund(String refundId) {
        return removals.refund(refundId);
    }

    @Override
    public boolean removeInvoicePayment(InvoicePayment payment) {
        return removals.invoicePayment(payment);
    }
}
