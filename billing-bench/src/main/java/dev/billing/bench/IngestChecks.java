package dev.billing.bench;

import static dev.billing.bench.IngestScenario.SCHEMA;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.bench.IngestScenario.Check;
import dev.billing.bench.IngestScenario.Plan;
import dev.billing.core.model.SourceVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What follows an ingest run's deliveries ({@link IngestScenario}): the wait until the inbox has processed every
 * event, and the exactly-once checks against the database (one row and one processing per unique event, duplicates
 * answered as such, every customer linked once, the projection holding the newest version or Stripe's state).
 */
final class IngestChecks {
    private IngestChecks() {}

    record Drain(
            long total,
            long processed,
            long pending,
            long failed,
            long ignored,
            long maxAttempts,
            Instant lastProcessed) {}

    static Drain awaitDrain(BenchEnvironment env, Plan plan, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = env.connect();
                PreparedStatement q = c.prepareStatement("""
                SELECT count(*), count(*) FILTER (WHERE status = 'processed'),
                       count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed'),
                       count(*) FILTER (WHERE status = 'ignored'), coalesce(max(attempts), 0), max(processed_at)
                FROM %s.webhook_inbox WHERE event_id >= ? AND event_id < ?""".formatted(SCHEMA))) {
            q.setString(1, "evt_" + plan.prefix() + "_");
            q.setString(2, "evt_" + plan.prefix() + "`");
            while (true) {
                Drain d;
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    Timestamp last = rs.getTimestamp(7);
                    d = new Drain(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            last == null ? null : last.toInstant());
                }
                if (d.pending() == 0 || System.nanoTime() > deadline) {
                    return d;
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the inbox failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static List<Check> verify(
            BenchEnvironment env, Plan plan, Drain drain, long recordedAnswers, long duplicateAnswers) {
        List<Check> checks = new ArrayList<>();
        int unique = plan.uniqueEvents();
        checks.add(new Check(
                "one inbox row per unique event",
                drain.total() == unique,
                drain.total() + " rows for " + unique + " unique events"));
        checks.add(new Check(
                "every event processed",
                drain.processed() == unique && drain.failed() == 0 && drain.ignored() == 0,
                drain.processed() + " processed, " + drain.failed() + " failed, " + drain.ignored() + " ignored, "
                        + drain.pending() + " pending"));
        checks.add(new Check(
                "every event claimed once (no retry, no second processing)",
                drain.maxAttempts() <= 1,
                "max attempts " + drain.maxAttempts()));
        long sentDuplicates = plan.deliveries().length - unique;
        checks.add(new Check(
                "duplicates answered as duplicates",
                recordedAnswers == unique && duplicateAnswers == sentDuplicates,
                recordedAnswers + " recorded (expected " + unique + "), " + duplicateAnswers + " duplicate (expected "
                        + sentDuplicates + ")"));
        try (Connection c = env.connect()) {
            checks.add(customersLinked(c, plan));
            if (plan.versions() > 0) { // with no subscription event there is no projection to check
                checks.add(plan.refetch() ? projectionMatchesStripe(c, plan, env) : projectionHoldsNewest(c, plan));
            }
        } catch (SQLException e) {
            checks.add(new Check("projection readable", false, e.getMessage()));
        }
        return checks;
    }

    private static Check customersLinked(Connection c, Plan plan) throws SQLException {
        int linked = 0;
        try (PreparedStatement q = c.prepareStatement(
                ("SELECT user_id, customer_id FROM %s.customers " + "WHERE user_id >= ? AND user_id < ?")
                        .formatted(SCHEMA))) {
            q.setString(1, "user_" + plan.prefix() + "_");
            q.setString(2, "user_" + plan.prefix() + "`");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String user = rs.getString(1);
                    String expected = "cus_" + user.substring(5);
                    if (expected.equals(rs.getString(2))) {
                        linked++;
                    }
                }
            }
        }
        return new Check(
                "every customer linked to its user once",
                linked == plan.customers(),
                linked + " of " + plan.customers());
    }

    private static Map<String, long[]> projection(Connection c, Plan plan) throws SQLException {
        Map<String, long[]> rows = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT id, quantity, source_version, status FROM " + SCHEMA + ".subscriptions WHERE id = ANY (?)")) {
            q.setArray(1, c.createArrayOf("text", plan.subscriptionIds().toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new long[] {
                        rs.getLong(2), rs.getLong(3), "active".equals(rs.getString(4)) ? 1 : 0
                    });
                }
            }
        }
        return rows;
    }

    /** Re-fetch off: every subscription holds its newest version (the last round's quantity and created second). */
    private static Check projectionHoldsNewest(Connection c, Plan plan) throws SQLException {
        Map<String, long[]> rows = projection(c, plan);
        long quantity = Plan.quantity(plan.versions());
        long version = SourceVersion.snapshot(Instant.ofEpochSecond(plan.created(plan.versions())))
                .key();
        int ok = 0;
        List<String> wrong = new ArrayList<>();
        for (String id : plan.subscriptionIds()) {
            long[] row = rows.get(id);
            if (row != null && row[0] == quantity && row[1] == version && row[2] == 1) {
                ok++;
            } else if (wrong.size() < 3) {
                wrong.add(id + (row == null ? " missing" : " quantity " + row[0] + " version " + row[1]));
            }
        }
        return new Check(
                "projection holds the newest version of every subscription",
                ok == plan.customers(),
                ok + " of " + plan.customers() + (wrong.isEmpty() ? "" : ", e.g. " + wrong));
    }

    /** Re-fetch on: every subscription equals what Stripe has now, read at re-fetch (not from a snapshot). */
    private static Check projectionMatchesStripe(Connection c, Plan plan, BenchEnvironment env) throws SQLException {
        Map<String, long[]> rows = projection(c, plan);
        StripeSetup stripe = new StripeSetup(env.stripeApiBase(), env.stripeSecretKey());
        int ok = 0;
        List<String> wrong = new ArrayList<>();
        for (String id : plan.subscriptionIds()) {
            long[] row = rows.get(id);
            JsonNode s = stripe.subscription(id);
            long quantity =
                    s.path("items").path("data").path(0).path("quantity").asLong(-1);
            boolean active = "active".equals(s.path("status").asText());
            boolean refetched = row != null && SourceVersion.fromKey(row[1]).source() == SourceVersion.Source.REFETCH;
            if (row != null && row[0] == quantity && (row[2] == 1) == active && refetched) {
                ok++;
            } else if (wrong.size() < 3) {
                wrong.add(id
                        + (row == null
                                ? " missing"
                                : " quantity " + row[0] + " (Stripe " + quantity + "), version " + row[1]));
            }
        }
        return new Check(
                "projection equals Stripe's current state for every subscription (re-fetched)",
                ok == plan.customers(),
                ok + " of " + plan.customers() + (wrong.isEmpty() ? "" : ", e.g. " + wrong));
    }
}
