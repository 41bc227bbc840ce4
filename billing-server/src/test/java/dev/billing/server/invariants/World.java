package dev.billing.server.invariants;

import com.stripe.StripeClient;
import dev.billing.core.port.BillingStores;
import dev.billing.embeddedpostgres.FreePorts;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.server.BillingServer;
import dev.billing.server.PortRetry;
import dev.billing.server.ServeMode;
import dev.billing.server.ServerConfig;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PersonalDataScan;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;
import dev.billing.testkit.webhook.SvixSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Everything one invariant property runs against, started for real and kept for all its sequences: the Stripe
 * emulator (Stripe's truth), a store (Postgres, or Supabase behind a real PostgREST), and {@code serve} configured by
 * environment variables as an operator would, with membership sync and auto-seats on. Each sequence works on parties
 * of its own, so sequences share the world without sharing state.
 */
final class World implements AutoCloseable {
    static final TestKey KEY = TestKeys.rsa2048("ins_invariants");
    static final String ISSUER = "https://clerk.invariants.test";
    static final String STRIPE_SECRET = "whsec_invariantsuitesigningsecret";
    /** The key the test reads and changes Stripe with; billing has the emulator's own. */
    static final String TEST_STRIPE_KEY = "sk_test_invariantsuite";

    static final String ADMIN = "invariants-admin-token-0123456789abcdef";
    /** The grace a past-due subscription keeps its plan for (set, not left to serve's default of the same). */
    static final Duration GRACE = Duration.ofDays(7);
    /** Cached entitlements outlive any wait of the suite: only the store's record of changes ends them. */
    private static final Map<String, String> ONE_DAY_CACHE = Map.of("BILLING_ENTITLEMENTS_CACHE_SECONDS", "86400");
    /** The plans file's tiers by rank. */
    static final Map<String, Integer> TIER_RANKS = Map.of("free", 0, "basic", 1, "pro", 2, "team", 3, "enterprise", 4);

    /** A per-seat tier and one-time items open to guests, beside the sample catalog's tiers. */
    static final String PLANS = """
            tiers:
              free:
                rank: 0
                features: [projects]
                quotas: {api_calls: 100, exports: 5}
              basic:
                rank: 1
                features: [projects, export_csv]
                quotas: {api_calls: 1000, exports: 50}
                trialDays: 14
                prices: {month: price_basic_monthly, year: price_basic_yearly}
              pro:
                rank: 2
                features: [projects, export_csv, sso]
                quotas: {api_calls: 10000, exports: 500}
                trialDays: 30
                purchaseDiscountPercent: 10
                prices: {month: price_pro_monthly, year: price_pro_yearly}
              team:
                rank: 3
                perSeat: true
                features: [projects, export_csv, sso, shared_workspace]
                quotas: {api_calls: 50000, exports: 1000}
                prices: {month: price_team_monthly}
              enterprise:
                rank: 4
                features: [projects, export_csv, sso, audit_log]
                quotas: {api_calls: unlimited, exports: unlimited}
                purchaseDiscountPercent: 25
                prices: {month: price_enterprise_monthly, year: price_enterprise_yearly}
            items:
              - {key: credits_100, name: 100 credits, priceId: price_credits_100, guests: true}
              - {key: template_pack, name: Template pack, priceId: price_template_pack, guests: true}
            meters:
              - {name: api_calls, stripeEventName: api_calls}
              - {name: exports}
            """;
    /** The per-seat price the sample seed lacks. */
    static final String TEAM_SEED = """
            products:
              - id: prod_team
                name: Team
                metadata: {tier: team}
                prices:
                  - id: price_team_monthly
                    lookup_key: team_monthly
                    unit_amount: 1500
                    currency: usd
                    recurring: {interval: month}
                    metadata: {tier: team}
            """;

    final String store;
    /** What the server does with a second live subscription: {@code cancel} on Postgres, {@code flag} on Supabase. */
    final String duplicates;

    final StripeEmulator emulator;
    /** An instance of {@code serve} and a client of it, at its port. */
    private record Instance(BillingServer server, Http http) {
        Instance(BillingServer server) {
            this(server, Http.local(server.port()));
        }
    }

    /**
     * Every instance of {@code serve} on the store: one, or two behind a load balancer ({@link #twoInstances}); a new
     * list after each restart ({@link #restartServer}).
     */
    private volatile List<Instance> instances;
    /** The load balancer's turn. */
    private final AtomicInteger turn = new AtomicInteger();
    /** Restarts so far: a rolling deploy stops the instances in turn. */
    private int restarts;
    /** Stripe's webhook endpoints, one per instance; new ones only when a restart had to move to another port. */
    private volatile List<String> endpoints;

    final StripeClient stripe;
    final TokenMinter minter;
    final DataSource database;
    /** The store's schema in {@link #database}: the Postgres store's own, or the Supabase project's public one. */
    final String schema;

    private final List<AutoCloseable> resources;
    private final List<String> erased = new ArrayList<>();
    /** Where the store moves to, once a pass of {@code migrate-supabase} has needed it. */
    private StoreMove.Target moveTarget;
    /** The server's environment: what the CLI's commands are given to reach the same store. */
    private final Map<String, String> env;

    private World(
            String store,
            Map<String, String> env,
            StripeEmulator emulator,
            List<BillingServer> instances,
            List<String> endpoints,
            DataSource database,
            List<AutoCloseable> resources) {
        this.schema = store.equals("supabase") ? "public" : "billing";
        this.store = store;
        this.env = Map.copyOf(env);
        this.duplicates = env.get("BILLING_DUPLICATE_SUBSCRIPTIONS");
        this.emulator = emulator;
        this.instances = instances.stream().map(Instance::new).toList();
        this.endpoints = List.copyOf(endpoints);
        this.database = database;
        this.resources = resources;
        // The test's own key: faults aimed at billing's key (WorldSteps.StripeFails) leave the test's reads alone.
        emulator.addApiKey(TEST_STRIPE_KEY);
        this.stripe = StripeClient.builder()
                .setApiKey(TEST_STRIPE_KEY)
                .setApiBase(emulator.baseUrl())
                .setConnectBase(emulator.baseUrl())
                .setFilesBase(emulator.baseUrl())
                .build();
        this.minter = new TokenMinter(KEY, ISSUER, Clock.systemUTC());
    }

    static World onPostgres() {
        return onPostgres(false);
    }

    /**
     * The Postgres store; an erasure there keeps the Stripe customer and, with {@code erasureCancels}, ends its
     * subscriptions at once ({@code BILLING_ERASE_CANCELS_SUBSCRIPTIONS}): their events then arrive about an account
     * already erased, while the customer stays.
     */
    static World onPostgres(boolean erasureCancels) {
        return onPostgres(erasureCancels ? Map.of("BILLING_ERASE_CANCELS_SUBSCRIPTIONS", "true") : Map.of());
    }

    /**
     * The Postgres store with re-fetch off ({@code BILLING_REFETCH_ON_WEBHOOK=false}): events are applied from their
     * own payloads, ordered by their seconds against the reads of our own calls (DESIGN §4.3).
     */
    static World onPostgresWithoutRefetch() {
        return onPostgres(Map.of("BILLING_REFETCH_ON_WEBHOOK", "false"));
    }

    /**
     * The Postgres store behind two instances of {@code serve}, as a team scales out: the API's requests alternate
     * between them (a round-robin load balancer), and every Stripe event is delivered to both at once (two endpoints),
     * so each event races across processes. Cached entitlements live a day: an instance that answers right after
     * another one changed a projection can only have heard of it through the store's record of changes.
     */
    static World twoInstances() {
        return onPostgres(ONE_DAY_CACHE, 2);
    }

    /** The same on the Supabase store: its record of changes and seat leases behind PostgREST. */
    static World twoInstancesOnSupabase() {
        return onSupabase(ONE_DAY_CACHE, 2);
    }

    private static World onPostgres(Map<String, String> settings) {
        return onPostgres(settings, 1);
    }

    private static World onPostgres(Map<String, String> settings, int instances) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            TestDatabase db = PostgresFixture.shared().newDatabase("invariants");
            resources.add(db);
            Map<String, String> env = baseEnv();
            env.put("DATABASE_URL", db.postgresUrl());
            env.put("BILLING_DUPLICATE_SUBSCRIPTIONS", "cancel");
            env.putAll(settings);
            return start("postgres", env, instances, db.dataSource(), resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    static World onSupabase() {
        return onSupabase(Map.of());
    }

    /**
     * The Supabase store with re-fetch off: snapshots ordered against stored reads by the store's own functions
     * (030's and 034's past-due bound, the upsert's version rule), through PostgREST.
     */
    static World onSupabaseWithoutRefetch() {
        return onSupabase(Map.of("BILLING_REFETCH_ON_WEBHOOK", "false"));
    }

    private static World onSupabase(Map<String, String> settings) {
        return onSupabase(settings, 1);
    }

    private static World onSupabase(Map<String, String> settings, int instances) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            TestDatabase db = PostgresFixture.shared().newDatabase("invariants_supabase");
            resources.add(db);
            SupabaseFixture supabase =
                    SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start();
            resources.add(0, supabase);
            Map<String, String> env = baseEnv();
            env.put("BILLING_STORE", "supabase");
            env.put("SUPABASE_URL", supabase.url());
            env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
            env.put("BILLING_DUPLICATE_SUBSCRIPTIONS", "flag");
            // Erasure deletes the Stripe customer here (the default, on Postgres, keeps it): its customer.deleted and
            // the ended subscriptions' events then arrive about an account already erased.
            env.put("BILLING_ERASE_DELETES_STRIPE_CUSTOMER", "true");
            env.putAll(settings);
            return start("supabase", env, instances, db.dataSource(), resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static World start(
            String store, Map<String, String> env, int count, DataSource database, List<AutoCloseable> resources) {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // Billing time is Stripe's: advancing the emulator's clock moves periods, grace, notices and retention too.
        // Stripe retries a delivery for three days; eight attempts (about 19 s) outlast a deploy on a busy machine, so
        // what a restart refuses arrives afterwards, and one given up on is billing's failure (DeliveryInvariants).
        StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults()
                .withSampleSeed()
                .withSignWithEmulatedTime(true)
                .withWebhookMaxAttempts(8));
        resources.add(0, emulator);
        emulator.seedDocument(TEAM_SEED);
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        List<BillingServer> instances = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BillingServer server = serve(new HashMap<>(env), emulator);
            resources.add(0, server);
            instances.add(server);
            endpoints.add(registerEndpoint(emulator, server));
        }
        return new World(store, env, emulator, instances, endpoints, database, resources);
    }

    private static String registerEndpoint(StripeEmulator emulator, BillingServer server) {
        return emulator.registerWebhookEndpoint(
                "http://127.0.0.1:" + server.port() + "/webhooks/stripe", STRIPE_SECRET);
    }

    /** The ids of Stripe's webhook endpoints that name a running instance: one per instance. */
    List<String> endpoints() {
        return endpoints;
    }

    private static Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET);
        env.put("CLERK_ISSUER", ISSUER);
        env.put("CLERK_JWT_KEY", KEY.publicKeyPem());
        env.put("CLERK_WEBHOOK_SECRET", SvixSignature.SECRET);
        env.put("BILLING_MEMBERSHIP_SYNC", "true");
        env.put("BILLING_AUTO_SEATS", "true");
        env.put("BILLING_ADMIN_TOKEN", ADMIN);
        env.put("BILLING_PLANS_FILE", plansFile().toString());
        env.put("BILLING_PAST_DUE_GRACE_DAYS", Long.toString(GRACE.toDays()));
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        env.put("BILLING_SUCCESS_URL", "https://app.example.com/billing/done");
        env.put("BILLING_CANCEL_URL", "https://app.example.com/billing");
        env.put("BILLING_RETURN_URL", "https://app.example.com/account");
        // The suite is one client making every request: the per-user and per-IP limits are not what it tests.
        env.put("BILLING_RATE_LIMIT_USER_PER_MINUTE", "1000000");
        env.put("BILLING_RATE_LIMIT_IP_PER_MINUTE", "1000000");
        env.put("BILLING_GUEST_CHECKOUTS_PER_MINUTE", "1000000");
        env.put("BILLING_HOST", "127.0.0.1");
        // Events whose batch the store failed to mark done wait out their lease: shorter than settling's patience.
        env.put("BILLING_INBOX_LEASE_SECONDS", "10");
        return env;
    }

    private static Path plansFile() {
        try {
            Path file = Files.createTempFile("invariant-plans", ".yaml");
            Files.writeString(file, PLANS);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code serve} on a free port, started again when another process took it ({@link PortRetry}): a long search
     * starts hundreds of servers.
     */
    private static BillingServer serve(Map<String, String> env, StripeEmulator emulator) {
        return PortRetry.start(() -> {
            env.put("PORT", Integer.toString(FreePorts.belowEphemeralRange()));
            return ServeMode.start(ServerConfig.fromEnv(env), "invariants", emulator.clock());
        });
    }

    /** Remembers what named an erased party, which must never be stored again. */
    synchronized void erased(Party p) {
        erased.add(p.account);
        if (p.email != null) {
            erased.add(p.email);
        }
        if (p.name != null) {
            erased.add(p.name.split(" ")[0]);
            erased.add(p.name.split(" ")[1]);
        }
    }

    synchronized List<String> erasedIdentities() {
        return List.copyOf(erased);
    }

    /** Every table of the store's schema, for what must appear nowhere (an erased person). */
    PersonalDataScan scan() {
        return PersonalDataScan.of(database, schema);
    }

    /** The same without the short-lived record of changed customers, which no export carries. */
    PersonalDataScan exportScan() {
        return scan().exempting(
                        store.equals("supabase") ? "billing_projection_changes" : "projection_changes",
                        "which customers' projection changed lately, for other instances' caches: ids only, pruned after "
                                + "ten minutes, not an account's data");
    }

    /** The auto-seats leases held now (a lease is held only while a process sets an organization's seats). */
    long seatLeasesHeld() {
        String table = store.equals("supabase") ? "public.billing_seat_leases" : "billing.seat_leases";
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError("counting the seat leases failed", e);
        }
    }

    /** Every event the inbox holds (retention deletes handled ones), and whether it is marked notified. */
    Map<String, Boolean> inboxNotified() {
        String query = store.equals("supabase")
                ? "SELECT stripe_event_id, notified_at IS NOT NULL FROM public.stripe_webhook_events"
                : "SELECT event_id, notified_at IS NOT NULL FROM billing.webhook_inbox";
        Map<String, Boolean> held = new HashMap<>();
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                held.put(rs.getString(1), rs.getBoolean(2));
            }
            return held;
        } catch (SQLException e) {
            throw new AssertionError("reading the inbox's notified marks failed", e);
        }
    }

    /**
     * Holds back writes to the audit trail (which every change of billing's projection writes, in its transaction), or
     * to the webhook inbox, until one of billing's statements of the kind {@code writes} names waits for them, then ends
     * that statement's connection, as a failover or a restart of Postgres would: billing's own (its pools' names begin
     * with {@code billing}) or, on Supabase, PostgREST's. A connection ended mid-statement is dropped by its pool at
     * once, so no dead one waits there for the suite's own reads. Reads go on meanwhile.
     *
     * @return whether a statement came, and its connection was ended, within {@code within} (and while {@code
     *     wanted})
     */
    boolean dropAWriter(Duration within, BooleanSupplier wanted, WorldSteps.StoreFails.Writes writes) {
        boolean supabase = store.equals("supabase");
        String table = schema
                + switch (writes) {
                    case AUDIT -> supabase ? ".billing_audit_log" : ".audit_log";
                    case DELIVERIES, INBOX_WORK -> supabase ? ".stripe_webhook_events" : ".webhook_inbox";
                };
        // A delivery's record is an insert (PostgREST's in a CTE of its own); claims, marks and redactions are not.
        String insert = "query ~* '^\\s*(with\\s+\\w+\\s+as\\s*\\(\\s*)?insert'";
        String kind = switch (writes) {
            case AUDIT -> "";
            case DELIVERIES -> " AND " + insert;
            case INBOX_WORK -> " AND NOT " + insert;
        };
        String waiting = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                + " AND (application_name LIKE 'billing%' OR usename = 'authenticator')" + kind + " LIMIT 1";
        try (Connection holder = database.getConnection();
                Connection watcher = database.getConnection();
                PreparedStatement find = watcher.prepareStatement(waiting)) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
                long deadline = System.nanoTime() + within.toNanos();
                while (System.nanoTime() < deadline && wanted.getAsBoolean()) {
                    try (ResultSet rs = find.executeQuery()) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                return false;
            } finally {
                holder.rollback();
            }
        } catch (SQLException e) {
            throw new AssertionError("holding back the store's writes failed", e);
        }
    }

    /** The database the store moves to and the move's checkpoint, the same for every pass of one sequence. */
    synchronized StoreMove.Target moveTarget() {
        if (moveTarget == null) {
            moveTarget = new StoreMove.Target();
            resources.add(0, moveTarget);
        }
        return moveTarget;
    }

    /** The first instance of {@code serve}: another one after each of its restarts. */
    BillingServer server() {
        return instances.get(0).server();
    }

    BillingStores stores() {
        return server().billing().stores();
    }

    /** A client of the instance whose turn it is: with two, the requests alternate, as a load balancer sends them. */
    Http http() {
        List<Instance> all = instances;
        return all.get(Math.floorMod(turn.getAndIncrement(), all.size())).http();
    }

    /** A client of every instance, for what each must answer alike. */
    List<Http> everyInstance() {
        return instances.stream().map(Instance::http).toList();
    }

    Map<String, String> env() {
        return env;
    }

    /** Stops every {@code serve} (requests drained, work finished): nothing writes to the store after it. */
    synchronized void stopServer() {
        instances.forEach(i -> i.server().close());
    }

    /**
     * Stops {@code serve} and starts another on the same store and environment, as a deploy does: nothing the old
     * process held in memory (caches, rate limits, background schedules, cursors) survives. The new one listens on the
     * old one's port, as behind a deploy's fixed address: Stripe's webhook endpoint stays, and what Stripe failed to
     * deliver while no process listened it delivers again to the new one. Only when another process took that port
     * meanwhile does the endpoint move to a new one. With two instances, one at a time (a rolling deploy, the other
     * serving meanwhile), each in turn.
     */
    synchronized void restartServer() {
        restartServer(() -> {});
    }

    /** {@link #restartServer()}, doing {@code whileDown} once the old process stopped, before the new one starts. */
    synchronized void restartServer(Runnable whileDown) {
        int index = restarts++ % instances.size();
        BillingServer old = instances.get(index).server();
        int port = old.port();
        old.close();
        whileDown.run();
        boolean[] first = {true};
        BillingServer started = PortRetry.start(() -> {
            Map<String, String> again = new HashMap<>(env);
            again.put("PORT", Integer.toString(first[0] ? port : FreePorts.belowEphemeralRange()));
            first[0] = false;
            return ServeMode.start(ServerConfig.fromEnv(again), "invariants", emulator.clock());
        });
        resources.set(resources.indexOf(old), started);
        List<Instance> running = new ArrayList<>(instances);
        running.set(index, new Instance(started));
        instances = List.copyOf(running);
        if (started.port() != port) {
            emulator.removeWebhookEndpoints();
            endpoints = instances.stream()
                    .map(i -> registerEndpoint(emulator, i.server()))
                    .toList();
        }
    }

    /** The store, and how many instances of {@code serve} run on it when more than one. */
    @Override
    public String toString() {
        return instances.size() == 1 ? store : store + " (" + instances.size() + " instances)";
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // keep closing the rest: a failed close must not leave a server running
            }
        }
    }
}
