package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.port.BillingStores;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V19 on an inbox written before it: every stored event gets whom it is about from its payload, by the Stripe and
 * Clerk adapters' rules, so an erasure and an export find the events stored before the upgrade too; the batched
 * backfill docs/POSTGRES.md gives the operator of a large inbox does the same beforehand.
 */
class InboxSubjectsIT {
    /** Event id, type, object id, payload: what an inbox at V18 holds. */
    private static final List<String[]> STORED = List.of(
            row(
                    "evt_checkout",
                    "checkout.session.completed",
                    "cs_1",
                    "{\"data\":{\"object\":{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"customer\":\"cus_a\","
                            + "\"customer_details\":{\"email\":\"ada@example.com\"}}}}"),
            row(
                    "evt_customer",
                    "customer.updated",
                    "cus_a",
                    "{\"data\":{\"object\":{\"id\":\"cus_a\",\"object\":\"customer\",\"email\":\"ada@example.com\"}}}"),
            row(
                    "evt_expanded",
                    "payment_intent.succeeded",
                    "pi_1",
                    "{\"data\":{\"object\":{\"id\":\"pi_1\",\"object\":\"payment_intent\","
                            + "\"customer\":{\"id\":\"cus_a\",\"object\":\"customer\"}}}}"),
            row(
                    "evt_inpay",
                    "invoice_payment.paid",
                    "inpay_1",
                    "{\"data\":{\"object\":{\"id\":\"inpay_1\",\"object\":\"invoice_payment\",\"invoice\":\"in_1\"}}}"),
            row(
                    "evt_refund",
                    "refund.created",
                    "re_1",
                    "{\"data\":{\"object\":{\"id\":\"re_1\",\"object\":\"refund\",\"payment_intent\":\"pi_1\"}}}"),
            row(
                    "evt_product",
                    "product.updated",
                    "prod_1",
                    "{\"data\":{\"object\":{\"id\":\"prod_1\",\"object\":\"product\"}}}"),
            row(
                    "evt_nul",
                    "charge.succeeded",
                    "ch_1",
                    "{\"data\":{\"object\":{\"id\":\"ch_1\",\"customer\":\"cus_a\",\"description\":\"a\\u0000b\"}}}"),
            row(
                    "msg_member",
                    "clerk.organizationMembership.created",
                    "orgmem_1",
                    "{\"data\":{\"id\":\"orgmem_1\",\"object\":\"organization_membership\",\"public_user_data\":"
                            + "{\"user_id\":\"user_ada\",\"identifier\":\"ada@example.com\"}}}"),
            row(
                    "msg_user",
                    "clerk.user.updated",
                    "user_ada",
                    "{\"data\":{\"id\":\"user_ada\",\"object\":\"user\",\"first_name\":\"Ada\"}}"),
            row(
                    "evt_redacted",
                    "customer.updated",
                    "cus_a",
                    "{\"id\":\"evt_redacted\",\"type\":\"customer.updated\",\"billing_redacted\":true}"));
    /** Whom V19 finds each about (the payload with the escape jsonb refuses too). */
    private static final Map<String, String> SUBJECTS = new TreeMap<>(Map.of(
            "evt_checkout",
            "cus_a",
            "evt_customer",
            "cus_a",
            "evt_expanded",
            "cus_a",
            "evt_inpay",
            "in_1",
            "evt_refund",
            "pi_1",
            "evt_product",
            "prod_1",
            "evt_nul",
            "cus_a",
            "msg_member",
            "user_ada",
            "msg_user",
            "user_ada"));

    private static String[] row(String id, String type, String objectId, String payload) {
        return new String[] {id, type, objectId, payload};
    }

    @Test
    void theUpgradeFindsWhomEveryStoredEventIsAbout() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("subjects_upgrade")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "18");
            store(ds);

            PostgresBillingStores.migrate(ds);

            assertThat(subjects(ds)).isEqualTo(SUBJECTS);
            try (BillingStores stores = TestStores.open(db)) {
                assertThat(stores.inbox().about(Set.of("cus_a", "user_ada"), 10))
                        .extracting(InboxEntry::eventId)
                        .containsExactlyInAnyOrder(
                                "evt_checkout", "evt_customer", "evt_expanded", "evt_nul", "msg_member", "msg_user");
                assertThat(stores.inbox().redact(Set.of("cus_a", "user_ada"))).isEqualTo(6);
            }
        }
    }

    @Test
    void theBatchedBackfillBeforehandDoesWhatTheUpgradeDoes() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("subjects_batched")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "18");
            store(ds);
            // docs/POSTGRES.md, "Migrations", V19: the column, V19's function, then batches until none is left.
            Sql.execute(ds, "ALTER TABLE billing.webhook_inbox ADD COLUMN IF NOT EXISTS subject_id text COLLATE \"C\"");
            Sql.execute(ds, "SET search_path = billing; " + functionOfV19());
            int batches = 0;
            while (Sql.count(ds, BATCH) > 0) {
                batches++;
            }
            assertThat(batches).isEqualTo(1);
            assertThat(subjects(ds)).isEqualTo(SUBJECTS);

            PostgresBillingStores.migrate(ds);

            assertThat(subjects(ds)).isEqualTo(SUBJECTS);
        }
    }

    /**
     * V28: a detached payment method's events stored before it were about the payment method; they become about the
     * customer it had, and one whose account was erased since is redacted as that erasure would have.
     */
    @Test
    void theUpgradeGivesDetachedPaymentMethodsTheCustomerTheyHad() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("subjects_detached")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "27");
            Sql.execute(
                    ds,
                    "INSERT INTO billing.customers (user_id, customer_id, created_at) VALUES ('user_ada', 'cus_a', now()), "
                            + "('erased_0123456789abcdef', 'cus_gone', now())");
            for (String[] r : List.of(
                    row("evt_detached", "payment_method.detached", "pm_1", detached("pm_1", "cus_a")),
                    row("evt_erased", "payment_method.detached", "pm_2", detached("pm_2", "cus_gone")),
                    row("evt_attached", "payment_method.attached", "pm_1", detached("pm_1", null)))) {
                Sql.execute(
                        ds,
                        "INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, object_id, "
                                + "payload, status, received_at, subject_id) VALUES ('" + r[0] + "', '" + r[1]
                                + "', now(), false, '" + r[2] + "', '" + r[3] + "', 'processed', now(), '"
                                + (r[0].equals("evt_attached") ? "cus_a" : r[2]) + "')");
            }

            PostgresBillingStores.migrate(ds);

            assertThat(subjects(ds))
                    .containsOnly(Map.entry("evt_detached", "cus_a"), Map.entry("evt_attached", "cus_a"));
            assertThat(Sql.strings(ds, "SELECT payload FROM billing.webhook_inbox WHERE event_id = 'evt_erased'"))
                    .containsExactly("{\"id\":\"evt_erased\",\"type\":\"payment_method.detached\","
                            + "\"billing_redacted\":true}");
            assertThat(Sql.strings(ds, "SELECT object_id FROM billing.webhook_inbox WHERE event_id = 'evt_erased'"))
                    .containsExactly("pm_2");
            try (BillingStores stores = TestStores.open(db)) {
                assertThat(stores.inbox().about(Set.of("cus_a"), 10))
                        .extracting(InboxEntry::eventId)
                        .containsExactlyInAnyOrder("evt_detached", "evt_attached");
            }
        }
    }

    /** A payment method's event as Stripe sends it: detached when {@code previousCustomer} is given. */
    private static String detached(String id, String previousCustomer) {
        String object = "{\"id\":\"" + id + "\",\"object\":\"payment_method\",\"billing_details\":"
                + "{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"},\"customer\":"
                + (previousCustomer == null ? "\"cus_a\"" : "null") + "}";
        return "{\"data\":{\"object\":" + object
                + (previousCustomer == null
                        ? ""
                        : ",\"previous_attributes\":{\"customer\":\"" + previousCustomer + "\"}")
                + "}}";
    }

    /** The batch statement docs/POSTGRES.md gives, as a count of the rows it changed. */
    private static final String BATCH = """
            WITH batch AS (
              UPDATE billing.webhook_inbox AS i SET subject_id = s.subject
              FROM (SELECT event_id, billing.inbox_subject_of(event_type, payload, object_id) AS subject
                    FROM billing.webhook_inbox
                    WHERE subject_id IS NULL
                      AND strpos(payload, '"billing_redacted":true') = 0
                      AND strpos(payload, '"billing_redacted": true') = 0
                      AND billing.inbox_subject_of(event_type, payload, object_id) IS NOT NULL
                    LIMIT 10000) AS s
              WHERE i.event_id = s.event_id
              RETURNING 1)
            SELECT count(*) FROM batch""";

    private static String functionOfV19() {
        try (var in = InboxSubjectsIT.class.getResourceAsStream("/db/billing/migration/V19__inbox_subjects.sql")) {
            String v19 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int start = v19.indexOf("CREATE OR REPLACE FUNCTION inbox_subject_of");
            return v19.substring(start, v19.indexOf("$$;", start) + 3);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void store(DataSource ds) {
        for (String[] r : STORED) {
            Sql.execute(
                    ds,
                    "INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, "
                            + "object_id, payload, status, received_at) VALUES ('" + r[0] + "', '" + r[1]
                            + "', now(), false, '"
                            + r[2] + "', '" + r[3].replace("'", "''") + "', 'processed', now())");
        }
    }

    private static Map<String, String> subjects(DataSource ds) {
        Map<String, String> found = new TreeMap<>();
        for (String line : Sql.strings(
                ds,
                "SELECT event_id || '=' || subject_id FROM billing.webhook_inbox " + "WHERE subject_id IS NOT NULL")) {
            found.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return found;
    }

    private static void migrateTo(DataSource ds, String version) {
        Flyway.configure()
                .dataSource(ds)
                .schemas("billing")
                .defaultSchema("billing")
                .createSchemas(true)
                .table(Migrations.HISTORY_TABLE)
                .locations(Migrations.LOCATION)
                .target(version)
                .load()
                .migrate();
    }
}
