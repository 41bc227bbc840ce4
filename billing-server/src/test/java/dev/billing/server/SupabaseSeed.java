package dev.billing.server;

import dev.billing.core.model.UserId;
import dev.billing.core.model.migration.MigrationRecordType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;

/**
 * A realistic Supabase project's billing rows for many customers, written straight into its tables with batched
 * SQL (the ports have no batch writes, and one PostgREST call per row would take minutes): customers in every
 * subscription state of the sample plan catalog (three tiers, monthly and yearly prices, trials, past due inside
 * and past the grace period, canceling at period end, canceled, upgraded, incomplete, unpaid, paused, a price no
 * longer in the catalog), invoices, one-time purchases with tier discounts, webhook events processed, ignored,
 * failed, pending a retry (some with an expired lease) and legacy rows of the old Node backend, usage counters and
 * idempotency keys in the periods in force (and the previous ones), meter reports reported and waiting.
 * Emails, metadata and payloads carry non-ASCII text; payloads decimals that jsonb normalises.
 *
 * <p>Deterministic for a seed and a "now". Nothing is due for the server's worker (pending retries and unreported
 * meter reports are scheduled hours ahead), so a server started on these rows leaves them alone. Period boundaries
 * keep days of margin from "now" (past due in grace: 0-4 days into the 7-day grace), so a test that runs for
 * minutes sees the same entitlements throughout.
 */
final class SupabaseSeed {
    /** What a customer's subscriptions look like. */
    enum Kind {
        FREE,
        FREE_AFTER_CANCEL,
        ACTIVE,
        ACTIVE_CANCELING,
        TRIALING,
        PAST_DUE_IN_GRACE,
        PAST_DUE_AFTER_GRACE,
        UPGRADED,
        INCOMPLETE,
        UNPAID,
        PAUSED,
        INCOMPLETE_EXPIRED,
        RETIRED_PRICE
    }

    /** Percent of customers of each kind, in the order of {@link Kind}. */
    private static final int[] KIND_WEIGHTS = {28, 6, 35, 4, 8, 4, 3, 5, 2, 2, 1, 1, 1};

    /**
     * One seeded user.
     *
     * @param tier the tier the user's subscriptions grant ({@code free} when none does)
     */
    record User(String userId, String customerId, Kind kind, String tier, boolean purchases, boolean usage) {}

    private static final String[] TIERS = {"basic", "pro", "enterprise"};
    private static final Map<String, Long> MONTHLY_CENTS =
            Map.of("basic", 900L, "pro", 2900L, "enterprise", 9900L, "legacy", 1500L);
    private static final Map<String, Integer> DISCOUNT = Map.of("free", 0, "basic", 0, "pro", 10, "enterprise", 25);
    private static final Map<String, Long> API_CALLS =
            Map.of("free", 100L, "basic", 1000L, "pro", 10_000L, "enterprise", Long.MAX_VALUE);
    private static final Map<String, Long> EXPORTS =
            Map.of("free", 5L, "basic", 50L, "pro", 500L, "enterprise", Long.MAX_VALUE);
    private static final String ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String[] FIRST = {
        "ana", "bo", "chen", "dmitri", "ewa", "farah", "gus", "hana", "ines", "jonas", "kofi", "lea", "mateo", "nour",
        "olga", "priya", "quinn", "rui", "sofia", "tomas"
    };
    private static final String[] ERRORS = {
        "GatewayUnavailableException: Stripe did not answer within 20 s",
        "StoreUnavailableException: Supabase answered 503",
        "IllegalStateException: unexpected object type",
        "GatewayRateLimitedException: Stripe answered 429 (rate limited)"
    };
    private static final String API_VERSION = "2024-06-20";

    private final Random random;
    private final Instant now;
    private final List<User> users = new ArrayList<>();
    private final Map<MigrationRecordType, Long> counts = new EnumMap<>(MigrationRecordType.class);

    private final List<Object[]> links = new ArrayList<>();
    /** How many of the links are retired ones (a customer deleted at Stripe). */
    private int retired;

    private final List<Object[]> subscriptions = new ArrayList<>();
    private final List<Object[]> invoices = new ArrayList<>();
    private final List<Object[]> purchases = new ArrayList<>();
    private final List<Object[]> events = new ArrayList<>();
    private final List<Object[]> legacyEvents = new ArrayList<>();
    private final List<Object[]> counters = new ArrayList<>();
    private final List<Object[]> keys = new ArrayList<>();
    private final List<Object[]> reports = new ArrayList<>();
    private final List<Object[]> members = new ArrayList<>();
    private final List<Object[]> guests = new ArrayList<>();
    private final List<Object[]> refunds = new ArrayList<>();
    private final List<Object[]> invoicePayments = new ArrayList<>();
    private final List<Object[]> notices = new ArrayList<>();
    private final List<Object[]> serviceKeys = new ArrayList<>();
    private final List<Object[]> explicitAudit = new ArrayList<>();
    /** The audit trail's entries once written: those above and those 011's triggers wrote for the rows. */
    private long auditEntries;

    private SupabaseSeed(long seed, Instant now) {
        this.random = new Random(seed);
        this.now = now.truncatedTo(ChronoUnit.MICROS);
    }

    /** Generates {@code customers} customers' rows and inserts them into the Supabase database behind {@code db}. */
    static SupabaseSeed insert(DataSource db, int customers, long seed, Instant now) {
        SupabaseSeed s = new SupabaseSeed(seed, now);
        for (int i = 0; i < customers; i++) {
            s.customer(i);
            // Every customer a member of one of a hundred organizations; every fifth has left again.
            s.members.add(new Object[] {
                "org_seed" + (i % 100),
                String.format("user_seed_%05d", i),
                i % 7 == 0 ? "org:admin" : "org:member",
                i % 5 != 0,
                time(now.minusSeconds(i)),
                "msg_seed" + i
            });
            if (i % 10 == 0) { // a guest purchase for every tenth, every other one claimed
                boolean claimed = i % 20 == 0;
                s.guests.add(new Object[] {
                    "cs_guest_" + i,
                    "guest" + i + "@example.com",
                    "price_credits_100",
                    1L,
                    "usd",
                    1000L,
                    "cus_guest_" + i,
                    time(now.minusSeconds(i)),
                    claimed ? String.format("user_seed_%05d", i) : null,
                    claimed ? time(now) : null
                });
                // And a refund, every other one still pending.
                s.refunds.add(new Object[] {
                    "re_seed_" + i,
                    "cus_refund_" + i,
                    "ch_seed_" + i,
                    "pi_seed_" + i,
                    100L + i,
                    "usd",
                    i % 20 == 0 ? "pending" : "succeeded",
                    null,
                    time(now.minusSeconds(i)),
                    now.getEpochSecond() * 10_000_000L
                });
                // And what paid an invoice of a customer not seeded (its invoice_payment.paid came first).
                s.invoicePayments.add(new Object[] {"in_early_" + i, "pi_seed_" + i});
                // And the admin's refund in the audit trail (an explicit entry, once per cause).
                s.explicitAudit.add(new Object[] {
                    "refund",
                    "re_seed_" + i,
                    "created",
                    null,
                    "cus_refund_" + i,
                    "admin:req_seed_" + i,
                    "{\"amount\": \"" + (100 + i) + "\", \"currency\": \"usd\"}"
                });
            }
            if (i % 10 == 3) { // a service key for every tenth: some expiring, some rotated, some revoked
                int k = i / 10;
                s.serviceKeys.add(new Object[] {
                    String.format("bsk_%016x", k),
                    "service " + k,
                    k % 2 == 0 ? "entitlements:read usage:write" : "customers:write",
                    String.format("%064x", k + 1),
                    time(now.minusSeconds(k)),
                    k % 3 == 0 ? time(now.plusSeconds(86_400L * (k + 1))) : null,
                    k % 4 == 1 ? time(now.minusSeconds(k).plusSeconds(1)) : null,
                    k % 5 == 2 ? time(now) : null
                });
            }
            if (i % 5 == 0) { // a notice for every fifth: sent, skipped or failed (with the error)
                int outcome = i / 5 % 3;
                s.notices.add(new Object[] {
                    "evt_notice_" + i,
                    i % 2 == 0 ? "receipt" : "plan-changed",
                    String.format("user_seed_%05d", i),
                    i % 15 == 0 ? null : String.format("cus_seed_%05d", i),
                    outcome == 0 ? "sent" : outcome == 1 ? "skipped" : "failed",
                    outcome == 0 ? "<billing.evt_notice_" + i + "@example.com>" : null,
                    outcome == 0 ? null : outcome == 1 ? "no email address" : "SMTP 451: réessayez plus tard",
                    time(now.minusSeconds(i).minusNanos(i % 1_000 * 1_000L))
                });
            }
        }
        s.write(db);
        return s;
    }

    List<User> users() {
        return users;
    }

    /** Rows per record type, as the migration counts them. */
    Map<MigrationRecordType, Long> counts() {
        return counts;
    }

    /** How many customer links are retired ones, kept under {@code <user>~deleted_1}. */
    int retiredLinks() {
        return retired;
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    // --- generation -----------------------------------------------------------------------------------------------

    private record Period(Instant start, Instant end) {}

    private void customer(int i) {
        String user = "user_" + id(27);
        String customer = "cus_" + id(14);
        String first = FIRST[random.nextInt(FIRST.length)];
        int emailKind = random.nextInt(100);
        String email = emailKind < 80
                ? first + "." + i + "@example.com"
                : emailKind < 85 ? "zoë." + first + i + "@exämple.de" : null;
        Instant linked = ago(Duration.ofDays(400 + random.nextInt(700)));
        links.add(new Object[] {user, customer, time(linked), email});
        String currency = random.nextInt(100) < 85 ? "usd" : "eur";
        if (random.nextInt(50) == 0) {
            // An earlier customer deleted at Stripe: its link retired under the holder id, its subscription ended.
            String deleted = "cus_" + id(14);
            Instant before = linked.minus(Duration.ofDays(30 + random.nextInt(300)));
            links.add(new Object[] {user + UserId.RETIRED_MARK + "1", deleted, time(before), email});
            retired++;
            canceled(deleted, user, "basic", currency, before);
        }

        Kind kind = Kind.values()[weighted(KIND_WEIGHTS)];
        String tier = TIERS[weighted(50, 35, 15)];
        boolean yearly = random.nextInt(4) == 0;
        Period granted = null;
        switch (kind) {
            case FREE -> {}
            case FREE_AFTER_CANCEL -> canceled(customer, user, tier, currency, linked);
            case UPGRADED -> {
                canceled(customer, user, "basic", currency, linked);
                tier = random.nextBoolean() ? "pro" : "enterprise";
                granted =
                        subscription(customer, user, "active", tier, yearly, current(yearly), false, currency, linked);
            }
            case ACTIVE ->
                granted =
                        subscription(customer, user, "active", tier, yearly, current(yearly), false, currency, linked);
            case ACTIVE_CANCELING ->
                granted = subscription(customer, user, "active", tier, yearly, current(yearly), true, currency, linked);
            case TRIALING -> {
                tier = tier.equals("enterprise") ? "pro" : tier; // enterprise has no trial
                granted = subscription(customer, user, "trialing", tier, false, null, false, currency, linked);
            }
            case PAST_DUE_IN_GRACE ->
                granted = subscription(
                        customer,
                        user,
                        "past_due",
                        tier,
                        false,
                        ago(Duration.ofDays(random.nextInt(4))),
                        false,
                        currency,
                        linked);
            case PAST_DUE_AFTER_GRACE ->
                subscription(
                        customer,
                        user,
                        "past_due",
                        tier,
                        false,
                        ago(Duration.ofDays(10 + random.nextInt(15))),
                        false,
                        currency,
                        linked);
            case INCOMPLETE ->
                subscription(
                        customer, user, "incomplete", tier, yearly, ago(Duration.ofHours(2)), false, currency, linked);
            case UNPAID ->
                subscription(customer, user, "unpaid", tier, yearly, current(yearly), false, currency, linked);
            case PAUSED ->
                subscription(customer, user, "paused", tier, yearly, current(yearly), false, currency, linked);
            case INCOMPLETE_EXPIRED ->
                subscription(
                        customer,
                        user,
                        "incomplete_expired",
                        tier,
                        false,
                        ago(Duration.ofDays(5 + random.nextInt(20))),
                        false,
                        currency,
                        linked);
            case RETIRED_PRICE ->
                subscription(customer, user, "active", "legacy", yearly, current(yearly), false, currency, linked);
        }
        String effectiveTier = granted != null ? tier : "free";
        Period period = granted != null ? granted : calendarMonth();

        boolean bought = random.nextInt(100) < 12;
        if (bought) {
            purchases(customer, effectiveTier, currency);
        }
        events(user, customer, kind);
        boolean used = random.nextInt(100) < 65;
        if (used) {
            usage(user, customer, effectiveTier, period, granted != null);
        }
        users.add(new User(user, customer, kind, effectiveTier, bought, used));
    }

    /** The start of a current period: it began 1-25 days (monthly) or 1-330 days (yearly) ago. */
    private Instant current(boolean yearly) {
        return ago(Duration.ofDays(1 + random.nextInt(yearly ? 330 : 25)));
    }

    private Period calendarMonth() {
        YearMonth month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        return new Period(
                month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /**
     * A subscription whose current period starts at {@code start} (a trial: now, minus a few days), with its
     * invoices; returns the current period.
     */
    private Period subscription(
            String customer,
            String user,
            String status,
            String tier,
            boolean yearly,
            Instant start,
            boolean canceling,
            String currency,
            Instant linked) {
        boolean trial = status.equals("trialing");
        Duration length;
        if (trial) {
            int days = tier.equals("pro") ? 30 : 14;
            start = ago(Duration.ofDays(random.nextInt(days - 3)));
            length = Duration.ofDays(days);
        } else {
            length = Duration.ofDays(yearly ? 365 : 30);
        }
        Instant end = start.plus(length);
        int cycles = trial || status.startsWith("incomplete") ? 0 : random.nextInt(yearly ? 2 : 8);
        Instant created = start.minus(length.multipliedBy(cycles));
        if (created.isBefore(linked)) {
            created = linked.plusSeconds(3_600);
            cycles = 0;
        }
        String id = "sub_" + id(24);
        long quantity = random.nextInt(100) < 85 ? 1 : 2 + random.nextInt(4);
        String price = tier.equals("legacy")
                ? "price_legacy_2023_" + (yearly ? "yearly" : "monthly")
                : "price_" + tier + (yearly ? "_yearly" : "_monthly");
        Instant canceledAt = canceling ? ago(Duration.ofDays(random.nextInt(3))) : null;
        Instant endedAt = status.equals("incomplete_expired") ? start.plus(Duration.ofDays(1)) : null;
        subscriptions.add(new Object[] {
            id,
            customer,
            status,
            price,
            quantity,
            time(start),
            time(end),
            canceling,
            time(canceling ? end : null),
            time(canceledAt),
            time(endedAt),
            time(trial ? start : null),
            time(trial ? end : null),
            time(created),
            metadata(user),
            version(start),
            // billing noted it turn past due an hour into the period (a failed charge after a plan change)
            time(status.equals("past_due") ? start.plus(Duration.ofHours(1)) : null)
        });

        long amount = MONTHLY_CENTS.get(tier) * quantity * (yearly ? 10 : 1);
        for (int c = Math.min(cycles, 2); c >= 0; c--) {
            Instant periodStart = start.minus(length.multipliedBy(c));
            boolean latest = c == 0;
            String invoiceStatus = !latest
                    ? "paid"
                    : switch (status) {
                        case "past_due", "incomplete" -> "open";
                        case "unpaid" -> "uncollectible";
                        case "incomplete_expired" -> "void";
                        default -> "paid";
                    };
            long due = trial ? 0 : amount;
            invoice(
                    customer,
                    id,
                    invoiceStatus,
                    currency,
                    due,
                    periodStart,
                    periodStart.plus(length),
                    periodStart.equals(created) || c == cycles ? "subscription_create" : "subscription_cycle");
        }
        return new Period(start, end);
    }

    /** A monthly subscription that ended 1-10 months ago, with its invoices (the last one voided now and then). */
    private void canceled(String customer, String user, String tier, String currency, Instant linked) {
        Duration length = Duration.ofDays(30);
        Instant start = ago(Duration.ofDays(40 + random.nextInt(260)));
        if (start.isBefore(linked)) {
            start = linked.plus(Duration.ofDays(1));
        }
        Instant end = start.plus(length);
        Instant created = start.minus(length.multipliedBy(random.nextInt(4)));
        if (created.isBefore(linked)) {
            created = start;
        }
        String id = "sub_" + id(24);
        subscriptions.add(new Object[] {
            id,
            customer,
            "canceled",
            "price_" + tier + "_monthly",
            1L,
            time(start),
            time(end),
            false,
            null,
            time(end.minus(Duration.ofDays(random.nextInt(5)))),
            time(end),
            null,
            null,
            time(created),
            metadata(user),
            version(end),
            null
        });
        invoice(
                customer,
                id,
                "paid",
                currency,
                MONTHLY_CENTS.get(tier),
                start,
                end,
                created.equals(start) ? "subscription_create" : "subscription_cycle");
        if (random.nextInt(4) == 0) {
            invoice(
                    customer,
                    id,
                    "void",
                    currency,
                    MONTHLY_CENTS.get(tier),
                    end,
                    end.plus(length),
                    "subscription_cycle");
        }
    }

    private void invoice(
            String customer,
            String subscription,
            String status,
            String currency,
            long due,
            Instant periodStart,
            Instant periodEnd,
            String reason) {
        boolean paid = status.equals("paid");
        long paidAmount = paid ? due : 0;
        long remaining = status.equals("open") || status.equals("uncollectible") ? due : 0;
        String hosted = "test_" + id(40);
        invoices.add(new Object[] {
            "in_" + id(24),
            customer,
            subscription,
            status,
            id(8).toUpperCase(java.util.Locale.ROOT) + "-" + String.format("%04d", 1 + random.nextInt(40)),
            currency,
            due,
            paidAmount,
            remaining,
            "https://invoice.stripe.com/i/acct_1TestAcct/" + hosted,
            "https://pay.stripe.com/invoice/acct_1TestAcct/" + hosted + "/pdf",
            reason,
            time(periodStart),
            time(periodEnd),
            time(periodStart.plusSeconds(random.nextInt(3_600))),
            version(periodStart)
        });
    }

    private void purchases(String customer, String tier, String currency) {
        int count = random.nextInt(100) < 80 ? 1 : 2;
        for (int p = 0; p < count; p++) {
            boolean credits = random.nextBoolean();
            long unit = credits ? 500 : 1900;
            long quantity = random.nextInt(100) < 85 ? 1 : 2 + random.nextInt(2);
            long total = unit * quantity * (100 - DISCOUNT.get(tier)) / 100;
            purchases.add(new Object[] {
                "cs_test_" + id(56),
                customer,
                credits ? "price_credits_100" : "price_template_pack",
                quantity,
                currency,
                total,
                random.nextInt(100) < 95 ? "pi_" + id(24) : null,
                time(ago(Duration.ofDays(1 + random.nextInt(300))))
            });
        }
    }

    private void events(String user, String customer, Kind kind) {
        int count = weighted(20, 45, 25, 10);
        for (int e = 0; e < count; e++) {
            String type = eventType(kind);
            String objectType = type.startsWith("customer.subscription")
                    ? "subscription"
                    : type.startsWith("invoice")
                            ? "invoice"
                            : type.startsWith("checkout")
                                    ? "checkout.session"
                                    : type.startsWith("payment_intent") ? "payment_intent" : "customer";
            String objectId = switch (objectType) {
                case "subscription" -> "sub_" + id(24);
                case "invoice" -> "in_" + id(24);
                case "checkout.session" -> "cs_test_" + id(56);
                case "payment_intent" -> "pi_" + id(24);
                default -> customer;
            };
            String id = "evt_" + id(24);
            Instant created = ago(Duration.ofDays(random.nextInt(400))).truncatedTo(ChronoUnit.SECONDS);
            Instant received = created.plusMillis(200 + random.nextInt(5_000));
            Instant processed = received.plusMillis(20 + random.nextInt(900));
            int state = weighted(82, 6, 4, 4, 4);
            if (state == 4) {
                // the old Node backend's row: three columns only
                legacyEvents.add(new Object[] {id, type, time(processed), time(processed)});
                continue;
            }
            String status = new String[] {"processed", "ignored", "failed", "pending"}[state];
            int attempts = switch (status) {
                case "failed" -> 5 + random.nextInt(4);
                case "pending" -> 1 + random.nextInt(3);
                default -> 1;
            };
            String error =
                    status.equals("failed") || status.equals("pending") ? ERRORS[random.nextInt(ERRORS.length)] : null;
            Instant next = status.equals("pending") ? now.plus(Duration.ofMinutes(120 + random.nextInt(600))) : null;
            boolean leased = status.equals("pending") && random.nextInt(10) < 3;
            boolean notifies = type.equals("invoice.payment_failed")
                    || type.equals("invoice.paid")
                    || type.equals("customer.subscription.trial_will_end");
            Instant notified =
                    status.equals("processed") && notifies && random.nextBoolean() ? processed.plusSeconds(1) : null;
            String payload = "{\"id\": \"" + id + "\", \"object\": \"event\", \"api_version\": \"" + API_VERSION
                    + "\", \"created\": " + created.getEpochSecond() + ", \"livemode\": false, \"pending_webhooks\": 1,"
                    + " \"request\": {\"id\": \"req_" + id(14) + "\", \"idempotency_key\": null}, \"type\": \""
                    + type + "\", \"data\": {\"object\": {\"id\": \"" + objectId + "\", \"object\": \"" + objectType
                    + "\", \"customer\": \"" + customer + "\", \"amount\": " + (random.nextInt(9_000) + 100) / 100
                    + "." + (10 + random.nextInt(90)) + "0, \"metadata\": {\"user_id\": \"" + user
                    + "\"}, \"description\": \"Zoë's plan — ✓ renewed\"}}}";
            events.add(new Object[] {
                id,
                type,
                time(status.equals("processed") || status.equals("ignored") ? processed : null),
                time(received),
                payload,
                time(created),
                false,
                API_VERSION,
                objectId,
                objectType,
                status,
                attempts,
                error,
                time(next),
                leased ? "billing-worker-7f9c4d:" + (1_000 + random.nextInt(9_000)) : null,
                leased ? time(now.minus(Duration.ofMinutes(10 + random.nextInt(50)))) : null,
                time(notified)
            });
        }
    }

    private String eventType(Kind kind) {
        List<String> types = new ArrayList<>(List.of(
                "customer.created",
                "checkout.session.completed",
                "customer.subscription.created",
                "customer.subscription.updated",
                "invoice.paid",
                "payment_intent.succeeded",
                "invoice.finalized"));
        switch (kind) {
            case PAST_DUE_IN_GRACE, PAST_DUE_AFTER_GRACE, UNPAID -> types.add("invoice.payment_failed");
            case FREE_AFTER_CANCEL, UPGRADED -> types.add("customer.subscription.deleted");
            case TRIALING -> types.add("customer.subscription.trial_will_end");
            default -> {}
        }
        return types.get(random.nextInt(types.size()));
    }

    private void usage(String user, String customer, String tier, Period period, boolean reportsToStripe) {
        counter(user, customer, "api_calls", tier, period, true, reportsToStripe);
        if (random.nextInt(100) < 40) {
            counter(user, customer, "exports", tier, period, true, false);
        }
        if (random.nextInt(100) < 30) {
            Duration length = Duration.between(period.start(), period.end());
            Period previous = new Period(period.start().minus(length), period.start());
            counter(user, customer, "api_calls", tier, previous, false, reportsToStripe);
        }
    }

    /** A counter with the one or two idempotency keys that made it up, and their meter reports. */
    private void counter(
            String user,
            String customer,
            String meter,
            String tier,
            Period period,
            boolean current,
            boolean reportsToStripe) {
        long limit = (meter.equals("api_calls") ? API_CALLS : EXPORTS).get(tier);
        long cap = Math.min(limit, meter.equals("api_calls") ? 4_000 : 60);
        // Now and then a quota used up exactly.
        long used = random.nextInt(20) == 0 ? cap : 1 + (long) (random.nextDouble() * (cap - 1));
        Instant last = current ? latest(period.start(), now) : latest(period.start(), period.end());
        counters.add(new Object[] {user, meter, time(period.start()), time(period.end()), used, time(last)});
        int parts = used > 1 && random.nextBoolean() ? 2 : 1;
        long first = parts == 2 ? 1 + random.nextInt((int) Math.min(used - 1, Integer.MAX_VALUE - 1)) : used;
        long[] amounts = parts == 2 ? new long[] {first, used - first} : new long[] {used};
        long after = 0;
        Instant at = period.start();
        for (int k = 0; k < amounts.length; k++) {
            after += amounts[k];
            at = k == amounts.length - 1 ? last : latest(period.start(), last);
            String key = random.nextBoolean()
                    ? "req-" + id(20)
                    : java.util
                            .UUID
                            .nameUUIDFromBytes(id(16).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .toString();
            keys.add(new Object[] {
                user, key, meter, time(period.start()), meter + ":" + amounts[k], amounts[k], after, limit, time(at)
            });
            if (reportsToStripe && meter.equals("api_calls")) {
                boolean reported = random.nextInt(100) < 90;
                reports.add(new Object[] {
                    "usage-" + id(32),
                    "api_calls",
                    customer,
                    amounts[k],
                    time(at),
                    reported ? 1 : 1 + random.nextInt(4),
                    reported ? null : "GatewayUnavailableException: Stripe " + "answered 503",
                    time(reported ? null : now.plus(Duration.ofMinutes(60 + random.nextInt(300)))),
                    time(reported ? at.plusSeconds(2 + random.nextInt(60)) : null)
                });
            }
        }
    }

    /** A random instant in [from, to), to the microsecond. */
    private Instant latest(Instant from, Instant to) {
        long span = Math.max(1, Duration.between(from, to).toMillis());
        return from.plusMillis((long) (random.nextDouble() * span)).plusNanos(random.nextInt(1_000) * 1_000L);
    }

    private String metadata(String user) {
        int p = random.nextInt(100);
        if (p < 70) {
            return "{\"user_id\": \"" + user + "\"}";
        }
        if (p < 85) {
            return "{\"user_id\": \"" + user + "\", \"source\": \"node-backend\", \"note\": \"migré — ancien "
                    + "backend\"}";
        }
        return "{}";
    }

    /** A {@code SourceVersion.key()}: a snapshot at an event's second, or a refetch at a microsecond. */
    private long version(Instant around) {
        Instant at = latest(around.minus(Duration.ofDays(1)), around.isAfter(now) ? now : around);
        long seconds = at.getEpochSecond() * 10_000_000L;
        return random.nextInt(100) < 70 ? seconds : seconds + 1_000_000L + random.nextInt(1_000_000);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private String id(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }

    private int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int p = random.nextInt(total);
        for (int k = 0; k < weights.length; k++) {
            p -= weights[k];
            if (p < 0) {
                return k;
            }
        }
        return weights.length - 1;
    }

    /** {@code duration} before now, minus up to a day more, to the microsecond. */
    private Instant ago(Duration duration) {
        return now.minus(duration).minusMillis(random.nextInt(86_400_000)).minusNanos(random.nextInt(1_000) * 1_000L);
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    // --- writing --------------------------------------------------------------------------------------------------

    private void write(DataSource db) {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            insert(
                    connection,
                    "INSERT INTO public.stripe_customer_mapping (clerk_user_id, stripe_customer_id, "
                            + "created_at, email) VALUES (?, ?, ?, ?)",
                    links);
            insert(
                    connection,
                    "INSERT INTO public.billing_subscriptions (id, customer_id, status, price_id, quantity, "
                            + "current_period_start, current_period_end, cancel_at_period_end, cancel_at, canceled_at, "
                            + "ended_at, trial_start, trial_end, created, metadata, version, past_due_since) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)",
                    subscriptions);
            insert(
                    connection,
                    "INSERT INTO public.billing_invoices (id, customer_id, subscription_id, status, number, "
                            + "currency, amount_due, amount_paid, amount_remaining, hosted_invoice_url, invoice_pdf, "
                            + "billing_reason, period_start, period_end, created, version) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    invoices);
            insert(
                    connection,
                    "INSERT INTO public.billing_purchases (id, customer_id, price_id, quantity, currency, "
                            + "amount_total, payment_intent_id, purchased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    purchases);
            insert(
                    connection,
                    "INSERT INTO public.stripe_webhook_events (stripe_event_id, event_type, processed_at, "
                            + "received_at, payload, event_created, livemode, api_version, object_id, object_type, status, "
                            + "attempts, last_error, next_attempt_at, lease_owner, lease_expires_at, notified_at) "
                            + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    events);
            insert(
                    connection,
                    "INSERT INTO public.stripe_webhook_events (stripe_event_id, event_type, processed_at, "
                            + "received_at) VALUES (?, ?, ?, ?)",
                    legacyEvents);
            insert(
                    connection,
                    "INSERT INTO public.billing_usage_counters (user_id, meter, period_start, period_end, "
                            + "used, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    counters);
            insert(
                    connection,
                    "INSERT INTO public.billing_usage_keys (user_id, idempotency_key, meter, period_start, "
                            + "fingerprint, amount, used_after, usage_limit, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    keys);
            insert(
                    connection,
                    "INSERT INTO public.billing_meter_reports (identifier, event_name, customer_id, value, "
                            + "event_timestamp, attempts, last_error, next_attempt_at, reported_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    reports);
            insert(
                    connection,
                    "INSERT INTO public.billing_org_members (org_id, user_id, role, active, changed_at, "
                            + "event_id) VALUES (?, ?, ?, ?, ?, ?)",
                    members);
            insert(
                    connection,
                    "INSERT INTO public.billing_guest_purchases (session_id, email, price_id, quantity, "
                            + "currency, amount_total, customer_id, purchased_at, claimed_by, claimed_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    guests);
            insert(
                    connection,
                    "INSERT INTO public.billing_refunds (id, customer_id, charge_id, payment_intent_id, "
                            + "amount, currency, status, reason, created, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    refunds);
            insert(
                    connection,
                    "INSERT INTO public.billing_invoice_payments (invoice_id, payment_intent_id) " + "VALUES (?, ?)",
                    invoicePayments);
            insert(
                    connection,
                    "INSERT INTO public.billing_notice_log (event_id, kind, user_id, customer_id, status, "
                            + "message_id, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    notices);
            insert(
                    connection,
                    "INSERT INTO public.billing_service_keys (id, name, scopes, secret_hash, created_at, expires_at, "
                            + "rotated_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    serviceKeys);
            insert(
                    connection,
                    "INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, "
                            + "cause, detail, explicit) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, true)",
                    explicitAudit);
            try (PreparedStatement count =
                            connection.prepareStatement("SELECT count(*) FROM public.billing_audit_log");
                    ResultSet rs = count.executeQuery()) {
                rs.next();
                auditEntries = rs.getLong(1);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("seeding Supabase failed: " + e.getMessage(), e);
        }
        counts.put(MigrationRecordType.CUSTOMER_LINKS, (long) links.size());
        counts.put(MigrationRecordType.SUBSCRIPTIONS, (long) subscriptions.size());
        counts.put(MigrationRecordType.INVOICES, (long) invoices.size());
        counts.put(MigrationRecordType.PURCHASES, (long) purchases.size());
        counts.put(MigrationRecordType.INBOX_ENTRIES, (long) events.size() + legacyEvents.size());
        counts.put(MigrationRecordType.USAGE_COUNTERS, (long) counters.size());
        counts.put(MigrationRecordType.USAGE_KEYS, (long) keys.size());
        counts.put(MigrationRecordType.METER_REPORTS, (long) reports.size());
        counts.put(MigrationRecordType.MEMBERSHIPS, (long) members.size());
        counts.put(MigrationRecordType.GUEST_PURCHASES, (long) guests.size());
        counts.put(MigrationRecordType.REFUNDS, (long) refunds.size());
        counts.put(MigrationRecordType.INVOICE_PAYMENTS, (long) invoicePayments.size());
        counts.put(MigrationRecordType.AUDIT_ENTRIES, auditEntries);
        counts.put(MigrationRecordType.NOTICES, (long) notices.size());
        counts.put(MigrationRecordType.SERVICE_KEYS, (long) serviceKeys.size());
    }

    private static void insert(Connection connection, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int pending = 0;
            for (Object[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    statement.setObject(c + 1, row[c]);
                }
                statement.addBatch();
                if (++pending == 1_000) {
                    statement.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                statement.executeBatch();
            }
        }
    }
}
