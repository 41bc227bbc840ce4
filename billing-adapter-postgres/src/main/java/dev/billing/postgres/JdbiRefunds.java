package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.PaymentRefund;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** The refunds table's SQL for {@link JdbiSubscriptionStore}: a watermark upsert like the invoices'. */
final class JdbiRefunds {
    static final RowMapper<PaymentRefund> REFUND = JdbiRefunds::refund;
    private static final String COLUMNS = """
            id, customer_id, charge_id, payment_intent_id, amount, currency, status, reason, created, \
            source_version""";

    final String upsert;
    final String version;
    final String of;
    final String first;
    final String after;
    final String count;

    JdbiRefunds(Db db) {
        this.upsert = db.sql("""
                INSERT INTO {schema}.refunds AS r (id, customer_id, charge_id, payment_intent_id, amount, currency,
                    status, reason, created, source_version)
                VALUES (:id, :customerId, :chargeId, :paymentIntentId, :amount, :currency, :status, :reason,
                    :created, :sourceVersion)
                ON CONFLICT (id) DO UPDATE SET
                    customer_id = EXCLUDED.customer_id, charge_id = EXCLUDED.charge_id,
                    payment_intent_id = EXCLUDED.payment_intent_id, amount = EXCLUDED.amount,
                    currency = EXCLUDED.currency, status = EXCLUDED.status, reason = EXCLUDED.reason,
                    created = EXCLUDED.created, source_version = EXCLUDED.source_version
                WHERE r.source_version < EXCLUDED.source_version
                RETURNING source_version
                """);
        this.version = db.sql("SELECT source_version FROM {schema}.refunds WHERE id = :id");
        // Also the refunds of the customer's purchases' payment intents (a claimed guest purchase's refunds name the
        // guest's customer): the array is read first, so each branch of the OR is an index scan.
        this.of = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.refunds
                WHERE customer_id = :customerId
                   OR payment_intent_id = ANY(ARRAY(SELECT p.payment_intent_id FROM {schema}.purchases p
                                                    WHERE p.customer_id = :customerId
                                                      AND p.payment_intent_id IS NOT NULL))
                ORDER BY created DESC, id COLLATE "C"
                """);
        this.first = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.refunds ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.after = db.sql("SELECT " + COLUMNS + """
                 FROM {schema}.refunds WHERE id COLLATE "C" > :after ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.refunds");
    }

    /** The stored version when the upsert applied, empty when a row at least as new is there. */
    Optional<Long> upsert(Handle h, PaymentRefund r) {
        return h.createQuery(upsert)
                .bind("id", r.id())
                .bind("customerId", r.customerId().value())
                .bind("chargeId", r.chargeId())
                .bind("paymentIntentId", r.paymentIntentId())
                .bind("amount", r.amount())
                .bind("currency", r.currency())
                .bind("status", r.status())
                .bind("reason", r.reason())
                .bindByType("created", Db.ts(r.created()), OffsetDateTime.class)
                .bind("sourceVersion", r.version().key())
                .mapTo(Long.class)
                .findOne();
    }

    private static PaymentRefund refund(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PaymentRefund(
                rs.getString("id"),
                CustomerId.of(rs.getString("customer_id")),
                rs.getString("charge_id"),
                rs.getString("payment_intent_id"),
                rs.getLong("amount"),
                rs.getString("currency"),
                rs.getString("status"),
                rs.getString("reason"),
                Db.instant(rs, "created"),
                SourceVersion.fromKey(rs.getLong("source_version")));
    }
}
