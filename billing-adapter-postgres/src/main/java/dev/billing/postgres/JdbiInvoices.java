package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The invoices table's SQL for {@link JdbiSubscriptionStore}: a watermark upsert (V11's triggers audit an invoice that
 * becomes paid), reads and the keyset listing.
 */
final class JdbiInvoices {
    static final RowMapper<Invoice> INVOICE = JdbiInvoices::invoice;
    private static final String INVOICE_COLUMNS = """
            id, customer_id, subscription_id, status, number, currency, amount_due, amount_paid, amount_remaining, tax,
            hosted_invoice_url, invoice_pdf, billing_reason, period_start, period_end, created, source_version""";

    final String upsert;
    final String version;
    final String find;
    final String of;
    final String first;
    final String after;
    final String count;

    JdbiInvoices(Db db) {
        this.upsert = db.sql("""
                INSERT INTO {schema}.invoices AS i (cause, id, customer_id, subscription_id, status, number, currency,
                    amount_due, amount_paid, amount_remaining, tax, hosted_invoice_url, invoice_pdf, billing_reason,
                    period_start, period_end, created, source_version)
                VALUES (:cause, :id, :customerId, :subscriptionId, :status, :number, :currency, :amountDue, :amountPaid,
                    :amountRemaining, :tax, :hostedInvoiceUrl, :invoicePdf, :billingReason, :periodStart, :periodEnd,
                    :created, :sourceVersion)
                ON CONFLICT (id) DO UPDATE SET
                    cause = EXCLUDED.cause,
                    customer_id = EXCLUDED.customer_id, subscription_id = EXCLUDED.subscription_id,
                    status = EXCLUDED.status, number = EXCLUDED.number, currency = EXCLUDED.currency,
                    amount_due = EXCLUDED.amount_due, amount_paid = EXCLUDED.amount_paid,
                    amount_remaining = EXCLUDED.amount_remaining, tax = EXCLUDED.tax,
                    hosted_invoice_url = EXCLUDED.hosted_invoice_url,
                    invoice_pdf = EXCLUDED.invoice_pdf, billing_reason = EXCLUDED.billing_reason,
                    period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
                    created = EXCLUDED.created, source_version = EXCLUDED.source_version
                WHERE i.source_version < EXCLUDED.source_version
                RETURNING source_version
                """);
        this.version = db.sql("SELECT source_version FROM {schema}.invoices WHERE id = :id");
        this.find = db.sql("SELECT " + INVOICE_COLUMNS + " FROM {schema}.invoices WHERE id = :id");
        this.of = db.sql("SELECT " + INVOICE_COLUMNS + """
                 FROM {schema}.invoices WHERE customer_id = :customerId
                ORDER BY created DESC, id COLLATE "C"
                """);
        this.first = db.sql("SELECT " + INVOICE_COLUMNS + """
                 FROM {schema}.invoices ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.after = db.sql("SELECT " + INVOICE_COLUMNS + """
                 FROM {schema}.invoices WHERE id COLLATE "C" > :after ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.invoices");
    }

    private static Invoice invoice(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new Invoice(
                rs.getString("id"),
                CustomerId.of(rs.getString("customer_id")),
                rs.getString("subscription_id"),
                InvoiceStatus.fromStripe(rs.getString("status")),
                rs.getString("number"),
                rs.getString("currency"),
                rs.getLong("amount_due"),
                rs.getLong("amount_paid"),
                rs.getLong("amount_remaining"),
                rs.getObject("tax", Long.class),
                rs.getString("hosted_invoice_url"),
                rs.getString("invoice_pdf"),
                rs.getString("billing_reason"),
                Db.instant(rs, "period_start"),
                Db.instant(rs, "period_end"),
                Db.instant(rs, "created"),
                SourceVersion.fromKey(rs.getLong("source_version")));
    }
}
