package dev.billing.postgres;

import dev.billing.core.model.Page;
import dev.billing.core.model.payment.InvoicePayment;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * The invoice_payments table for {@link JdbiSubscriptionStore}: insert-once rows keyed by (invoice, payment intent),
 * read by invoice ids through the primary key and listed in its order.
 */
final class JdbiInvoicePayments {
    static final RowMapper<InvoicePayment> PAYMENT =
            (rs, ctx) -> new InvoicePayment(rs.getString("invoice_id"), rs.getString("payment_intent_id"));

    private final Db db;
    private final String insert;
    private final String of;
    private final String first;
    private final String after;
    private final String count;

    JdbiInvoicePayments(Db db) {
        this.db = db;
        this.insert = db.sql("""
                INSERT INTO {schema}.invoice_payments (invoice_id, payment_intent_id)
                VALUES (:invoiceId, :paymentIntentId)
                ON CONFLICT (invoice_id, payment_intent_id) DO NOTHING
                """);
        this.of = db.sql("""
                SELECT invoice_id, payment_intent_id FROM {schema}.invoice_payments
                WHERE invoice_id = ANY(:invoiceIds) ORDER BY invoice_id, payment_intent_id
                """);
        this.first = db.sql("""
                SELECT invoice_id, payment_intent_id FROM {schema}.invoice_payments
                ORDER BY invoice_id, payment_intent_id LIMIT :limit
                """);
        this.after = db.sql("""
                SELECT invoice_id, payment_intent_id FROM {schema}.invoice_payments
                WHERE (invoice_id, payment_intent_id) > (:afterInvoice, :afterIntent)
                ORDER BY invoice_id, payment_intent_id LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.invoice_payments");
    }

    boolean record(InvoicePayment p) {
        return db.call(
                "subscriptions.recordInvoicePayment",
                h -> h.createUpdate(insert)
                                .bind("invoiceId", p.invoiceId())
                                .bind("paymentIntentId", p.paymentIntentId())
                                .execute()
                        == 1);
    }

    List<InvoicePayment> of(Collection<String> invoiceIds) {
        if (invoiceIds.isEmpty()) {
            return List.of();
        }
        return db.call(
                "subscriptions.invoicePaymentsOf",
                h -> h.createQuery(of)
                        .bindArray("invoiceIds", String.class, List.copyOf(invoiceIds))
                        .map(PAYMENT)
                        .list());
    }

    /** Keyset paging on the two-column primary key: the cursor is the last row's (invoice, payment intent). */
    Page<InvoicePayment> list(String cursor, int limit) {
        Cursors.checkLimit(limit);
        List<String> position = Cursors.decode(cursor, 2);
        return db.call("subscriptions.listInvoicePayments", h -> {
            Query query = position == null
                    ? h.createQuery(first)
                    : h.createQuery(after).bind("afterInvoice", position.get(0)).bind("afterIntent", position.get(1));
            return Pages.of(
                    query.bind("limit", limit + 1).map(PAYMENT).list(),
                    limit,
                    p -> Cursors.encode(p.invoiceId(), p.paymentIntentId()));
        });
    }

    long count() {
        return db.call(
                "subscriptions.countInvoicePayments",
                h -> h.createQuery(count).mapTo(Long.class).one());
    }
}
