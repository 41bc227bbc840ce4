package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.payment.Purchase;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The purchases table's SQL for {@link JdbiSubscriptionStore}: insert-once rows keyed by the Checkout session, reads
 * and the keyset listing.
 */
final class JdbiPurchases {
    static final RowMapper<Purchase> PURCHASE = JdbiPurchases::purchase;
    private static final String PURCHASE_COLUMNS = """
            id, customer_id, price_id, quantity, currency, amount_total, payment_intent_id, purchased_at""";

    final String insert;
    final String of;
    final String first;
    final String after;
    final String count;

    JdbiPurchases(Db db) {
        this.insert = db.sql("""
                INSERT INTO {schema}.purchases (cause, id, customer_id, price_id, quantity, currency, amount_total,
                    payment_intent_id, purchased_at)
                VALUES (:cause, :id, :customerId, :priceId, :quantity, :currency, :amountTotal, :paymentIntentId,
                    :purchasedAt)
                ON CONFLICT (id) DO NOTHING
                """);
        this.of = db.sql("SELECT " + PURCHASE_COLUMNS + """
                 FROM {schema}.purchases WHERE customer_id = :customerId
                ORDER BY purchased_at, id COLLATE "C"
                """);
        this.first = db.sql("SELECT " + PURCHASE_COLUMNS + """
                 FROM {schema}.purchases ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.after = db.sql("SELECT " + PURCHASE_COLUMNS + """
                 FROM {schema}.purchases WHERE id COLLATE "C" > :after ORDER BY id COLLATE "C" LIMIT :limit
                """);
        this.count = db.sql("SELECT count(*) FROM {schema}.purchases");
    }

    private static Purchase purchase(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        return new Purchase(
                rs.getString("id"),
                CustomerId.of(rs.getString("customer_id")),
                rs.getString("price_id"),
                rs.getLong("quantity"),
                rs.getString("currency"),
                rs.getLong("amount_total"),
                rs.getString("payment_intent_id"),
                Db.instant(rs, "purchased_at"));
    }
}
