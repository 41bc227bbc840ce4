package dev.billing.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Webhook ingest over HTTP: unique {@code customer.created} and {@code customer.subscription.updated} events
 * (several versions per subscription), or the same with duplicate deliveries and out-of-order versions; then the
 * wait until the inbox has processed every one, and the exactly-once check against the database ({@link IngestChecks}).
 *
 * <p>Events: {@code customers} customers, each with one subscription updated {@code versions} times. Delivery order
 * is round by round (every customer.created, then version 1 of every subscription, ...), so versions of one
 * subscription are far apart, as they are in real traffic. Duplicates are re-deliveries of an event somewhat later
 * (same body, a fresh signature, as Stripe re-sends); reordering swaps a version with the one before it.
 */
final class IngestScenario {
    static final String SCHEMA = BillingTables.SCHEMA;
    private static final byte[] DUPLICATE_TRUE = "\"duplicate\":true".getBytes(StandardCharsets.US_ASCII);

    /** Who sends what, decided before the run. Event {@code e}: round {@code e / customers}, customer {@code e % customers}. */
    record Plan(
            String prefix,
            int customers,
            int versions,
            long baseSecond,
            int[] deliveries,
            int duplicates,
            int reordered,
            List<String> subscriptionIds,
            boolean refetch,
            int droppedEvent) {
        int uniqueEvents() {
            return customers * (1 + versions);
        }

        String eventId(int e) {
            return "evt_" + prefix + "_" + e;
        }

        String customerId(int i) {
            return "cus_" + prefix + "_" + i;
        }

        String userId(int i) {
            return "user_" + prefix + "_" + i;
        }

        String subscriptionId(int i) {
            return subscriptionIds.get(i);
        }

        long created(int round) {
            return baseSecond + round;
        }

        /** The quantity version {@code round} carries (the emulator's subscriptions have quantity 1). */
        static long quantity(int round) {
            return round + 1L;
        }
    }

    /** One ingest run's figures and checks. */
    record Result(
            String mix,
            boolean refetch,
            int connections,
            int uniqueEvents,
            int deliveries,
            int duplicates,
            int reordered,
            LoadRunner.Result http,
            double acceptedPerSecond,
            double processedPerSecond,
            Duration endToEnd,
            long recordedAnswers,
            long duplicateAnswers,
            CpuMeter.Sample cpu,
            CpuMeter.Sample closingCpu,
            long writeTransactions,
            List<Check> checks,
            Map<String, Long> stripeCalls) {
        boolean passed() {
            return checks.stream().allMatch(Check::ok);
        }
    }

    /** One verified property. */
    record Check(String name, boolean ok, String detail) {}

    private IngestScenario() {}

    static String subscriptionIdFor(String prefix, int i) {
        return "sub_" + prefix + "_" + i;
    }

    /**
     * The plan for {@code uniqueEvents} events (rounded down to whole customers), with {@code duplicateShare} of
     * them delivered a second time and {@code reorderShare} of the subscription versions swapped with the previous.
     */
    static Plan plan(
            String prefix,
            int uniqueEvents,
            int versions,
            double duplicateShare,
            double reorderShare,
            long seed,
            boolean refetch,
            List<String> subscriptionIds,
            boolean dropOne) {
        int customers = Math.max(1, uniqueEvents / (1 + versions));
        int events = customers * (1 + versions);
        Random random = new Random(seed);
        int[] order = new int[events];
        for (int e = 0; e < events; e++) {
            order[e] = e; // round by round
        }
        int reordered = 0;
        if (reorderShare > 0 && versions >= 2) {
            boolean[] touched = new boolean[events];
            int wanted = (int) Math.round(reorderShare * customers * versions);
            int attempts = 0;
            while (reordered < wanted && attempts++ < wanted * 20) {
                int i = random.nextInt(customers);
                int round = 2 + random.nextInt(versions - 1);
                int newer = round * customers + i;
                int older = (round - 1) * customers + i;
                if (touched[newer] || touched[older]) {
                    continue;
                }
                touched[newer] = true;
                touched[older] = true;
                order[newer] = older; // positions are event indices before swapping: the older goes later
                order[older] = newer;
                reordered++;
            }
        }
        int duplicates = (int) Math.round(duplicateShare * events);
        int[] deliveries;
        if (duplicates > 0) {
            // Each duplicate goes 64 to 2 000 positions after its original (a retry some time later).
            List<int[]> later = new ArrayList<>();
            for (int k = 0; k < duplicates; k++) {
                int position = random.nextInt(events);
                later.add(new int[] {Math.min(events, position + 64 + random.nextInt(1_937)), order[position]});
            }
            later.sort((a, b) -> Integer.compare(a[0], b[0]));
            deliveries = new int[events + duplicates];
            int next = 0;
            int dup = 0;
            for (int p = 0; p <= events; p++) {
                while (dup < later.size() && later.get(dup)[0] == p) {
                    deliveries[next++] = later.get(dup++)[1];
                }
                if (p < events) {
                    deliveries[next++] = order[p];
                }
            }
        } else {
            deliveries = order;
        }
        List<String> subs = subscriptionIds;
        if (subs == null) {
            subs = new ArrayList<>(customers);
            for (int i = 0; i < customers; i++) {
                subs.add(subscriptionIdFor(prefix, i));
            }
        }
        long base = Instant.now().getEpochSecond() - 600;
        return new Plan(
                prefix,
                customers,
                versions,
                base,
                deliveries,
                duplicates,
                reordered,
                List.copyOf(subs),
                refetch,
                dropOne ? 0 : -1);
    }

    /** Runs the plan against the server with {@code connections} senders, waits for the inbox, checks. */
    static Result run(
            String mix,
            Plan plan,
            int connections,
            InetSocketAddress address,
            String host,
            StripeEvents events,
            BenchEnvironment env,
            Duration drainTimeout) {
        AtomicInteger cursor = new AtomicInteger();
        LongAdder recorded = new LongAdder();
        LongAdder duplicates = new LongAdder();
        boolean countCalls = plan.refetch() && env.emulator() != null;
        if (countCalls) {
            // The subscriptions' set-up went through the emulator too: count the server's calls from here.
            env.emulator().forgetRequests();
        }
        CpuMeter cpuMeter = new CpuMeter();
        CpuMeter.Mark cpuStart = cpuMeter.mark();
        long xidStart = nextTransactionId(env);
        Instant sendStart = Instant.now();
        LoadRunner.Result http = LoadRunner.untilDone(
                address, connections, index -> new Sender(plan, cursor, events, host, recorded, duplicates));
        List<Check> checks = new ArrayList<>();
        int sent = plan.deliveries().length - (plan.droppedEvent() >= 0 ? countOf(plan.deliveries(), 0) : 0);
        checks.add(new Check(
                "every delivery answered 200",
                http.errors() == 0 && http.requests() == sent,
                http.requests() + " of " + sent + " answered, " + http.errors() + " errors " + http.statuses()
                        + (http.errorSamples().isEmpty()
                                ? ""
                                : " e.g. " + http.errorSamples().get(0))));
        IngestChecks.Drain drain = IngestChecks.awaitDrain(env, plan, drainTimeout);
        CpuMeter.Mark closingStart = cpuMeter.mark();
        vacuumWritten(env);
        checkpoint(env);
        // The closing part apart too: a cost per run, so its share of the figure per event depends on --events.
        CpuMeter.Sample closingCpu = cpuMeter.since(closingStart);
        // From the first delivery until every event is processed, and what the run wrote vacuumed and checkpointed.
        CpuMeter.Sample cpu = cpuMeter.since(cpuStart);
        // The server's Stripe calls, counted before the checks read every subscription from the emulator themselves.
        Map<String, Long> stripeCalls = countCalls ? env.emulator().calls() : Map.of();
        long writeTransactions = nextTransactionId(env) - xidStart;
        checks.add(new Check(
                "inbox drained",
                drain.pending() == 0,
                drain.pending() + " still pending after " + drainTimeout.toSeconds() + " s"));
        checks.addAll(IngestChecks.verify(env, plan, drain, recorded.sum(), duplicates.sum()));
        Duration endToEnd =
                drain.lastProcessed() == null ? Duration.ZERO : Duration.between(sendStart, drain.lastProcessed());
        double processed =
                endToEnd.isZero() || endToEnd.isNegative() ? 0 : drain.processed() / (endToEnd.toNanos() / 1e9);
        return new Result(
                mix,
                plan.refetch(),
                connections,
                plan.uniqueEvents(),
                plan.deliveries().length,
                plan.duplicates(),
                plan.reordered(),
                http,
                http.perSecond(),
                processed,
                endToEnd,
                recorded.sum(),
                duplicates.sum(),
                cpu,
                closingCpu,
                writeTransactions,
                checks,
                stripeCalls);
    }

    /**
     * {@code VACUUM (ANALYZE)} of the billing tables, inside the run's CPU window: each run pays for vacuuming what it
     * wrote. Left to autovacuum, whose launcher visits a database once a minute, a run of a few seconds paid for the
     * dead rows of the runs before it, or for none, depending on when the visit fell.
     */
    static void vacuumWritten(BenchEnvironment env) {
        try (Connection c = env.connect()) {
            BillingTables.vacuumAnalyze(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not vacuum the billing tables: " + e.getMessage(), e);
        }
    }

    /**
     * {@code CHECKPOINT}: inside a run's CPU window after its vacuum, so each run pays for flushing what it wrote, and
     * the next run starts right after a checkpoint rather than meeting one of Postgres' own, which would charge it
     * for the runs before (docs/BENCHMARKS_HISTORY.md, "Checkpoints at the end of each run"). Needs a superuser or the
     * {@code pg_checkpoint} role: refused, the bench goes on and says so ({@link BenchEnvironment#checkpointRefused}).
     */
    static void checkpoint(BenchEnvironment env) {
        if (env.checkpointRefused() != null) {
            return;
        }
        try (Connection c = env.connect()) {
            String refused = checkpoint(c);
            if (refused != null) {
                env.checkpointRefused(refused);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not checkpoint: " + e.getMessage(), e);
        }
    }

    /** {@code CHECKPOINT} on {@code c}: null once done, the database's message when the user may not. */
    static String checkpoint(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            return null;
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) { // insufficient_privilege
                return e.getMessage();
            }
            throw e;
        }
    }

    /**
     * The id the database's next writing transaction will get: the difference over a run is how many transactions
     * wrote (committed or not), which says how well the group commits batched. Reading it writes nothing.
     */
    static long nextTransactionId(BenchEnvironment env) {
        try (Connection c = env.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT txid_snapshot_xmax(txid_current_snapshot())")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the next transaction id: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the events whose ids start with {@code "evt_" + prefix} from the inbox, except those of the round
     * {@code keep} (its own prefix), and vacuums and analyzes it, so that runs measured after many warm-up events meet
     * the inbox (table and indexes) they would meet after a few: the warm-up is there for the JIT, not to grow the
     * table the measured inserts go into. The kept round leaves the table in use, as a server's inbox is, so the
     * measured runs are planned on its statistics rather than an empty table's (docs/BENCHMARKS_HISTORY.md, "Postgres'
     * profile"). Only the bench's own events go (their ids carry the run id), so this is safe on an external database.
     *
     * @return how many rows were deleted
     */
    static long forget(BenchEnvironment env, String prefix, String keep) {
        try (Connection c = env.connect()) {
            long deleted;
            // Prefix matches by equality: no LIKE wildcards to escape, no collation order to rely on.
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM %s.webhook_inbox WHERE left(event_id, ?) = ? AND left(event_id, ?) <> ?"
                            .formatted(SCHEMA))) {
                String start = "evt_" + prefix;
                String kept = "evt_" + keep + "_";
                d.setInt(1, start.length());
                d.setString(2, start);
                d.setInt(3, kept.length());
                d.setString(4, kept);
                deleted = d.executeUpdate();
            }
            try (Statement v = c.createStatement()) {
                v.execute("VACUUM (ANALYZE) %s.webhook_inbox".formatted(SCHEMA));
            }
            checkpoint(env);
            return deleted;
        } catch (SQLException e) {
            throw new IllegalStateException("emptying the inbox of warm-up events failed: " + e.getMessage(), e);
        }
    }

    private static int countOf(int[] values, int value) {
        int n = 0;
        for (int v : values) {
            if (v == value) {
                n++;
            }
        }
        return n;
    }

    /** One sender: takes the next delivery, builds and signs it, counts recorded and duplicate answers. */
    private static final class Sender implements LoadRunner.Sender {
        private final Plan plan;
        private final AtomicInteger cursor;
        private final StripeEvents events;
        private final byte[] headStart;
        private final LongAdder recorded;
        private final LongAdder duplicates;
        private byte[] request = new byte[8 * 1024];
        private int length;

        Sender(
                Plan plan,
                AtomicInteger cursor,
                StripeEvents events,
                String host,
                LongAdder recorded,
                LongAdder duplicates) {
            this.plan = plan;
            this.cursor = cursor;
            this.events = events;
            this.recorded = recorded;
            this.duplicates = duplicates;
            this.headStart = ("POST /webhooks/stripe HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Stripe/1.0 "
                            + "(+https://stripe.com/docs/webhooks)\r\nAccept: */*; q=0.5, application/xml\r\n"
                            + "Cache-Control: no-cache\r\nContent-Type: application/json; charset=utf-8\r\n"
                            + "Stripe-Signature: ")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public boolean next() {
            int d;
            int e;
            do {
                d = cursor.getAndIncrement();
                if (d >= plan.deliveries().length) {
                    return false;
                }
                e = plan.deliveries()[d];
            } while (e == plan.droppedEvent());
            byte[] body = body(e).getBytes(StandardCharsets.UTF_8);
            String signature = events.signature(Instant.now().getEpochSecond(), body, body.length);
            byte[] tail =
                    (signature + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            int total = headStart.length + tail.length + body.length;
            if (request.length < total) {
                request = new byte[total * 2];
            }
            System.arraycopy(headStart, 0, request, 0, headStart.length);
            System.arraycopy(tail, 0, request, headStart.length, tail.length);
            System.arraycopy(body, 0, request, headStart.length + tail.length, body.length);
            length = total;
            return true;
        }

        private String body(int e) {
            int round = e / plan.customers();
            int i = e % plan.customers();
            String id = plan.eventId(e);
            if (round == 0) {
                return StripeEvents.customerCreated(
                        id, plan.created(0), plan.customerId(i), plan.userId(i), plan.userId(i) + "@bench.invalid");
            }
            long created = plan.created(round);
            long subscriptionCreated = plan.baseSecond() - 40L * 86_400;
            long periodStart = plan.baseSecond() - 5L * 86_400;
            return StripeEvents.subscriptionUpdated(
                    id,
                    created,
                    plan.subscriptionId(i),
                    plan.customerId(i),
                    plan.userId(i),
                    Plan.quantity(round),
                    subscriptionCreated,
                    periodStart,
                    periodStart + 30L * 86_400);
        }

        @Override
        public byte[] request() {
            return request;
        }

        @Override
        public int requestLength() {
            return length;
        }

        @Override
        public boolean answered(int status, Answer connection) {
            if (status != 200) {
                return false;
            }
            if (connection.bodyContains(DUPLICATE_TRUE)) {
                duplicates.increment();
            } else {
                recorded.increment();
            }
            return true;
        }

        @Override
        public void failed(IOException e) {
            // counted by the runner; the check then finds the event missing
        }
    }
}
