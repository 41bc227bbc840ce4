package dev.billing.bench;

import static dev.billing.bench.Bench.progress;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Issue 51's growth curves: fills the store step by step ({@link GrowthStep}: 10k, 100k, 1M customers with what they
 * accumulate, then 10M inbox events) and measures each hot path at each size, with the table scans Postgres counted
 * meanwhile. The server runs with its entitlements cache off, so every read reaches the store. The first size is
 * measured twice and the first pass dropped, so its figures are not those of a cold JIT.
 */
final class GrowthScenario {
    static final String[] ANALYTICS = {
        "/admin/analytics/revenue",
        "/admin/analytics/subscriptions",
        "/admin/analytics/movements?months=12",
        "/admin/analytics/usage",
        "/admin/analytics/mrr?months=12"
    };
    private static final int CONNECTIONS = 16;
    private static final int USERS = 2_000;
    private static final int INGEST_EVENTS = 4_000;

    /**
     * How long each loaded path runs, how many requests each one-at-a-time path makes, and whether Postgres' scan
     * counters are read: that costs {@link TableScans#FLUSH} per path, so a tiny run (below 10k customers, a
     * test's) skips it, and its JIT warm-up pass.
     */
    record Sizes(
            Duration warmup,
            Duration measure,
            int rounds,
            int analyticsRounds,
            int erasures,
            int ingestEvents,
            boolean scans) {
        static Sizes of(BenchOptions o) {
            boolean small = o.growth().get(o.growth().size() - 1).customers() < 10_000;
            return small
                    ? new Sizes(Duration.ofMillis(200), Duration.ofSeconds(1), 5, 3, 3, 200, false)
                    : new Sizes(Duration.ofSeconds(3), Duration.ofSeconds(10), 30, 10, 20, INGEST_EVENTS, true);
        }
    }

    private final BenchEnvironment env;
    private final BenchOptions options;
    private final PrintStream out;
    private final String prefix;
    private final GrowthSeed seed;
    private final Sizes sizes;
    private final Random random;
    private final Set<Long> erased = new HashSet<>();
    private GrowthPaths paths;

    private GrowthScenario(BenchEnvironment env, BenchOptions options, PrintStream out, String runId) {
        this.env = env;
        this.options = options;
        this.out = out;
        this.prefix = "g" + runId;
        this.seed = new GrowthSeed(prefix);
        this.sizes = Sizes.of(options);
        this.random = new Random(runId.hashCode());
    }

    /** Runs every step; the steps and the targets go into {@code report}. */
    static void run(BenchEnvironment env, BenchOptions options, BenchReport report, PrintStream out, String runId)
            throws Exception {
        if (env.external()) {
            report.notes.add("growth: not run against an external server (it seeds the store in bulk)");
            return;
        }
        GrowthScenario scenario = new GrowthScenario(env, options, out, runId);
        scenario.steps(report);
        if (!scenario.sizes.scans()) {
            report.notes.add("growth: Postgres' scan counters not read (a run below 10k customers)");
        }
    }

    private void steps(BenchReport report) throws Exception {
        env.server(false, Map.of("BILLING_ENTITLEMENTS_CACHE_SECONDS", "0"));
        paths = new GrowthPaths(env);
        int customers = 0;
        long events = 0;
        try (Connection c = env.connect()) {
            for (int s = 0; s < options.growth().size(); s++) {
                GrowthStep step = options.growth().get(s);
                progress(out, "growth: seeding to " + step.label());
                long started = System.nanoTime();
                seed.customers(c, customers, step.customers());
                seed.events(c, events, step.events(), step.customers());
                GrowthSeed.settle(c);
                IngestScenario.checkpoint(env);
                double seconds = (System.nanoTime() - started) / 1e9;
                customers = step.customers();
                events = step.events();
                if (s == 0 && sizes.scans()) {
                    progress(out, "growth: a first pass over every path, not counted (the JIT's warm-up)");
                    measure(c, step, s, true);
                }
                List<GrowthReport.Path> measured = measure(c, step, s, false);
                report.growth.add(new GrowthReport.Step(
                        step.customers(),
                        step.events(),
                        seconds,
                        TableScans.read(c).rows(),
                        measured));
            }
        }
    }

    /** One measured path: its name, whether it is a hot path (judged for scans), and how it is measured. */
    private record PathRun(String name, boolean hot, Measure measure) {}

    @FunctionalInterface
    private interface Measure {
        GrowthPaths.Measured run() throws Exception;
    }

    private List<GrowthReport.Path> measure(Connection c, GrowthStep step, int index, boolean warm) throws Exception {
        ReadScenarios.Users users = users(step.customers());
        List<PathRun> runs = new ArrayList<>();
        runs.add(new PathRun("POST /webhooks/stripe -> projection (events/s)", true, () -> ingest(index, warm)));
        runs.add(new PathRun(
                "GET /me/entitlements",
                true,
                () -> paths.load(paths.entitlements(users, CONNECTIONS, sizes.warmup(), sizes.measure()))));
        runs.add(new PathRun(
                "POST /usage",
                true,
                () -> paths.load(paths.usage(users, CONNECTIONS, sizes.warmup(), sizes.measure()))));
        runs.add(new PathRun(
                "GET /stripe/products",
                true,
                () -> paths.load(paths.catalog(users, CONNECTIONS, sizes.warmup(), sizes.measure()))));
        for (String route : ANALYTICS) {
            // As served (the kept figures, computed by the warm-up), then as computed: the store's cost of one
            // computation, which the server pays in the background once per half max age.
            runs.add(new PathRun("GET " + route, false, () -> admin(2, sizes.analyticsRounds(), i -> route, "")));
            String fresh = route + (route.contains("?") ? "&" : "?") + "fresh=true";
            runs.add(new PathRun(
                    GrowthReport.computed("GET " + route),
                    false,
                    () -> admin(1, sizes.analyticsRounds(), i -> fresh, "")));
        }
        runs.add(new PathRun(
                "GET /admin/users/{id}/export",
                true,
                () -> admin(
                        3,
                        sizes.rounds(),
                        i -> "/admin/users/" + users.ids().get(i % users.ids().size()) + "/export",
                        "\"subscriptions\"")));
        List<Long> toErase = erasable(step.customers(), sizes.erasures() + 2);
        runs.add(new PathRun(
                "DELETE /admin/users/{id}",
                true,
                () -> paths.sequential(
                        2,
                        sizes.erasures(),
                        i -> paths.admin("DELETE", "/admin/users/" + seed.userId(toErase.get(i)) + "?confirm=true"),
                        ok(200, ""))));
        List<Long> searched = sample(step.customers(), sizes.rounds() + 3);
        runs.add(new PathRun("GET /admin/customers?q={email} (dashboard)", true, () -> {
            paths.dashboard("/admin"); // signs in once, outside the measurement
            return paths.sequential(
                    3,
                    sizes.rounds(),
                    i -> dashboard("/admin/customers?q=" + GrowthPaths.encode(seed.email(searched.get(i)))),
                    r -> r.statusCode() == 200 && r.body().contains(seed.userId(searchedAccount(r))));
        }));
        runs.add(new PathRun(
                "GET /admin/audit?userId={id}",
                true,
                () -> admin(
                        3,
                        sizes.rounds(),
                        i -> "/admin/audit?userId="
                                + users.ids().get(i % users.ids().size()),
                        "\"data\"")));
        runs.add(new PathRun(
                "GET /admin/webhook-events",
                true,
                () -> admin(3, sizes.rounds(), i -> "/admin/webhook-events?limit=50", "evt_")));
        runs.add(new PathRun(
                "GET /admin/webhook-events?status=processed",
                true,
                () -> admin(3, sizes.rounds(), i -> "/admin/webhook-events?status=processed&limit=50", "evt_")));
        runs.add(new PathRun(
                "GET /admin/webhook-events?status=failed",
                true,
                () -> admin(3, sizes.rounds(), i -> "/admin/webhook-events?status=failed&limit=50", "")));

        List<GrowthReport.Path> result = new ArrayList<>();
        TableScans.Snapshot before = sizes.scans() && !warm ? TableScans.readAfterFlush(c) : null;
        for (PathRun run : runs) {
            before = add(result, c, before, run.name(), run.hot(), run.measure().run());
        }
        return result;
    }

    /** Webhook ingest to the projection, with the ingest scenario's exactly-once checks. */
    private GrowthPaths.Measured ingest(int index, boolean warm) throws Exception {
        String ingestPrefix = prefix + "i" + index + (warm ? "w" : "");
        IngestScenario.Plan plan =
                IngestScenario.plan(ingestPrefix, sizes.ingestEvents(), 3, 0, 0, index, false, null, false);
        IngestScenario.Result ingest = IngestScenario.run(
                "growth",
                plan,
                CONNECTIONS,
                env.serverAddress(),
                env.hostHeader(),
                new StripeEvents(env.webhookSecret()),
                env,
                options.drainTimeout());
        return new GrowthPaths.Measured(
                GrowthReport.Kind.THROUGHPUT,
                ingest.processedPerSecond(),
                BenchReport.Latency.of(ingest.http().latency()).p90(),
                ingest.deliveries(),
                ingest.http().errors(),
                ingest.checks().stream()
                        .map(k -> new BenchReport.Check(k.name(), k.ok(), k.detail()))
                        .toList());
    }

    /** An admin GET made one at a time, each answer a 200 that contains {@code contains}. */
    private GrowthPaths.Measured admin(int warmup, int rounds, IntFunction<String> path, String contains)
            throws Exception {
        return paths.sequential(warmup, rounds, i -> paths.admin("GET", path.apply(i)), ok(200, contains));
    }

    private java.net.http.HttpRequest dashboard(String path) {
        try {
            return paths.dashboard(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The account a dashboard search was for, read back from its query ({@code q=u<i>.<prefix>@...}). */
    private static long searchedAccount(HttpResponse<String> r) {
        String q = r.request().uri().getQuery();
        return Long.parseLong(q.substring("q=u".length(), q.indexOf('.')));
    }

    private static Predicate<HttpResponse<String>> ok(int status, String contains) {
        return r -> r.statusCode() == status && r.body().contains(contains);
    }

    /**
     * Records one path with the scans since {@code before} (none read when it is null); returns the snapshot the next
     * path starts from.
     */
    private TableScans.Snapshot add(
            List<GrowthReport.Path> result,
            Connection c,
            TableScans.Snapshot before,
            String name,
            boolean hot,
            GrowthPaths.Measured m)
            throws Exception {
        TableScans.Snapshot after = before == null ? null : TableScans.readAfterFlush(c);
        Map<String, Long> scans = after == null ? Map.of() : after.scansSince(before);
        result.add(new GrowthReport.Path(
                name,
                m.kind(),
                m.figure(),
                m.p90Ms(),
                m.requests(),
                m.errors(),
                scans,
                after == null ? Map.of() : after.rows(),
                hot,
                m.checks()));
        progress(
                out,
                "growth: " + name + ": " + result.get(result.size() - 1).figureText()
                        + (scans.isEmpty() ? "" : ", sequential scans " + scans));
        return after;
    }

    /** {@value #USERS} users holding an active Pro subscription, at random among the seeded ones, with tokens. */
    private ReadScenarios.Users users(int customers) {
        Duration lifetime = Duration.ofHours(3);
        List<String> ids = new ArrayList<>(USERS);
        List<String> tokens = new ArrayList<>(USERS);
        int pro = customers / 30;
        for (int k = 0; k < USERS; k++) {
            long i = 30L * random.nextInt(pro);
            ids.add(seed.userId(i));
            tokens.add(env.tokenKey()
                    .issue(seed.userId(i), "sess_" + prefix + "_" + k, lifetime)
                    .token());
        }
        return new ReadScenarios.Users(prefix, List.copyOf(ids), List.copyOf(tokens));
    }

    /** Accounts never erased before ({@code i % 30 == 7}: a purchase, events, no subscription the others use). */
    private List<Long> erasable(int customers, int count) {
        List<Long> picked = new ArrayList<>(count);
        int slots = customers / 30;
        while (picked.size() < count) {
            long i = 30L * random.nextInt(slots) + 7;
            if (i < customers && erased.add(i)) {
                picked.add(i);
            }
        }
        return picked;
    }

    /** Accounts never erased ({@code i % 30 == 3}), for searches. */
    private List<Long> sample(int customers, int count) {
        List<Long> picked = new ArrayList<>(count);
        int slots = customers / 30;
        while (picked.size() < count) {
            long i = 30L * random.nextInt(slots) + 3;
            if (i < customers) {
                picked.add(i);
            }
        }
        return picked;
    }
}
