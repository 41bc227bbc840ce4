package dev.billing.postgres;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The subscriptions table's columns as {@link JdbiSubscriptionStore} reads them back and binds its pricing, and as the
 * analytics tally reads pricing.
 */
final class SubscriptionColumns {
    static final RowMapper<Subscription> SUBSCRIPTION = SubscriptionColumns::subscription;
    static final String SELECTED = """
            id, customer_id, status, price_id, quantity, current_period_start, current_period_end,
            cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end, created,
            CAST(metadata AS text) AS metadata, source_version, currency, unit_amount, recurring_interval,
            interval_count, percent_off, amount_off, amount_off_currency, past_due_since""";

    private SubscriptionColumns() {}

    static int setPricing(PreparedStatement statement, int index, SubscriptionPricing p) throws SQLException {
        int i = index;
        Db.setText(statement, ++i, p == null ? null : p.currency());
        statement.setObject(++i, p == null ? null : p.unitAmount(), Types.BIGINT);
        Db.setText(statement, ++i, p == null ? null : p.interval().stripeName());
        statement.setObject(++i, p == null ? null : p.intervalCount(), Types.INTEGER);
        statement.setObject(++i, p == null ? null : p.percentOff(), Types.NUMERIC);
        statement.setObject(++i, p == null || p.amountOff() == 0 ? null : p.amountOff(), Types.BIGINT);
        Db.setText(statement, ++i, p == null ? null : p.amountOffCurrency());
        return i;
    }

    private static Subscription subscription(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        return new Subscription(
                rs.getString("id"),
                CustomerId.of(rs.getString("customer_id")),
                SubscriptionStatus.fromStripe(rs.getString("status")),
                rs.getString("price_id"),
                rs.getLong("quantity"),
                Db.instant(rs, "current_period_start"),
                Db.instant(rs, "current_period_end"),
                rs.getBoolean("cancel_at_period_end"),
                Db.instant(rs, "cancel_at"),
                Db.instant(rs, "canceled_at"),
                Db.instant(rs, "ended_at"),
                Db.instant(rs, "trial_start"),
                Db.instant(rs, "trial_end"),
                Db.instant(rs, "created"),
                JsonMaps.read(rs.getString("metadata")),
                SourceVersion.fromKey(rs.getLong("source_version")),
                pricing(rs),
                Db.instant(rs, "past_due_since"));
    }

    /** The pricing columns read back (also by the analytics tally); null when {@code currency} is. */
    static SubscriptionPricing pricing(ResultSet rs) throws SQLException {
        String currency = rs.getString("currency");
        if (currency == null) {
            return null;
        }
        long amountOff = rs.getLong("amount_off");
        return new SubscriptionPricing(
                currency,
                rs.getLong("unit_amount"),
                BillingInterval.parse(rs.getString("recurring_interval"))
                        .orElseThrow(() -> Db.corrupt("a subscription's recurring_interval is unknown")),
                rs.getInt("interval_count"),
                rs.getBigDecimal("percent_off"),
                amountOff,
                amountOff == 0 ? null : rs.getString("amount_off_currency"));
    }
}
