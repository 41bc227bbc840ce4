package dev.billing.postgres;

import dev.billing.core.model.InvoicePayment;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The invoice_payments table's SQL for {@link JdbiSubscriptionStore}: insert-once rows keyed by (invoice, payment
 * intent), read by invoice ids through the primary key and listed in its order.
 */
final class JdbiInvoicePayments {
    static final RowMapper<InvoicePayment> PAYMENT = (rs, ctx) -> new InvoicePayment(rs.getString("invoice_id"),
            rs.getString("payment_intent_id"));

    final String insert;
    final String of;
    final String first;
    final String after;
    final String count;

    JdbiInvoicePayments(Db db) {
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
}
