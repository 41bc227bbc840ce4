package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import dev.billing.supabase.StubServer.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How the stores talk HTTP and map failures, against a scripted server (PostgREST itself cannot be made to answer
 * 503 once, hang, or echo the key on demand).
 */
class PostgrestClientIT {
    private static final String KEY = "sb_secret_test_key_0123456789";
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private static BillingStores stores(StubServer stub) {
        return SupabaseBillingStores.create(
                SupabaseConfig.of(stub.url(), KEY).withRequestTimeout(Duration.ofMillis(500)));
    }

    @Test
    void sendsTheKeyAsApikeyAndBearerAndEncodesFilterValuesLiterally() {
        try (StubServer stub = StubServer.start(r -> Reply.json(200, "[]"))) {
            stores(stub).customers().findByUserId(UserId.of("user a+b,c.(d):é"));

            StubServer.Received request = stub.received().get(0);
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/rest/v1/stripe_customer_mapping");
            assertThat(request.apikey()).isEqualTo(KEY);
            assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
            assertThat(request.rawQuery()).contains("clerk_user_id=eq.user%20a%2Bb%2Cc.%28d%29%3A%C3%A9");
        }
    }

    @Test
    void anIdempotentReadIsRetriedQuicklyWhenTheGatewayFails() {
        AtomicInteger calls = new AtomicInteger();
        try (StubServer stub = StubServer.start(r -> calls.incrementAndGet() == 1
                ? Reply.json(503, "{\"message\":\"upstream down\"}")
                : Reply.json(200, "[]"))) {
            assertThat(stores(stub).customers().findByUserId(UserId.of("user_1")))
                    .isEmpty();
            assertThat(stub.received()).hasSize(2);
        }
    }

    @Test
    void aReadGivesUpAfterThreeAttemptsWithStoreUnavailable() {
        try (StubServer stub = StubServer.start(r -> Reply.json(502, "{\"message\":\"bad gateway\"}"))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> stores(stub).subscriptions().findSubscription("sub_1"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("HTTP 502");
            assertThat(stub.received()).hasSize(3);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void theUsageIncrementAndTheLinkAreNeverRetried() {
        try (StubServer stub = StubServer.start(r -> Reply.json(502, "{}"))) {
            BillingStores stores = stores(stub);
            assertThatThrownBy(() -> stores.usage()
                            .increment(new UsageIncrement(
                                    UserId.of("u"),
                                    "m",
                                    new UsagePeriod(T0, T0.plusSeconds(60)),
                                    1,
                                    10,
                                    "k",
                                    "f",
                                    T0,
                                    null)))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() ->
                            stores.customers().link(new CustomerLink(UserId.of("u"), CustomerId.of("c"), null, T0)))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> stores.inbox().claim("evt_1", "me", T0, Duration.ofSeconds(30)))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(stub.received())
                    .extracting(StubServer.Received::path)
                    .containsExactly(
                            "/rest/v1/rpc/billing_usage_increment",
                            "/rest/v1/stripe_customer_mapping",
                            "/rest/v1/rpc/billing_inbox_claim");
        }
    }

    @Test
    void aSlowAnswerIsUnavailableAfterTheRequestTimeoutAndNotRetried() {
        try (StubServer stub = StubServer.start(r -> Reply.slow(6_000))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> stores(stub).customers().count())
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(4_000));
            assertThat(stub.received()).hasSize(1);
        }
    }

    @Test
    void aPostgrestErrorKeepsItsCodeAndMessageButNotItsDetails() {
        try (StubServer stub = StubServer.start(
                r -> Reply.json(
                        400,
                        "{\"code\":\"22P02\",\"message\":\"invalid input "
                                + "syntax for type bigint\",\"details\":\"Failing row contains (alice@example.com)\",\"hint\":null}"))) {
            assertThatThrownBy(() -> stores(stub).subscriptions().findInvoice("in_1"))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("code 22P02")
                    .hasMessageContaining("invalid input syntax")
                    .hasMessageNotContaining("alice@example.com");
        }
    }

    @Test
    void aRejectedKeyIsAConfigurationErrorThatNeverShowsTheKey() {
        try (StubServer stub =
                StubServer.start(r -> Reply.json(401, "{\"message\":\"Invalid API key " + KEY + "\"}"))) {
            assertThatThrownBy(() -> stores(stub).ping())
                    .isInstanceOf(SupabaseConfigurationException.class)
                    .hasMessageContaining("SUPABASE_SERVICE_ROLE_KEY")
                    .hasMessageNotContaining(KEY);
            assertThat(stub.received()).hasSize(1);
        }
    }

    @Test
    void aMissingFunctionSaysToApplyTheSql() {
        try (StubServer stub = StubServer.start(r -> Reply.json(
                404,
                "{\"code\":\"PGRST202\",\"message\":\"Could not "
                        + "find the function public.billing_inbox_counts without parameters in the schema cache\"}"))) {
            assertThatThrownBy(() -> stores(stub).inbox().countByStatus())
                    .isInstanceOf(SupabaseConfigurationException.class)
                    .hasMessageContaining("billing-server supabase-sql");
        }
    }

    @Test
    void aUniqueViolationIsReadBackToSayWhichSideIsTaken() {
        try (StubServer stub = StubServer.start(r -> switch (r.method()) {
            case "POST" -> Reply.json(409, "{\"code\":\"23505\",\"message\":\"duplicate key\"}");
            default ->
                r.rawQuery().contains("stripe_customer_id=eq.cus_taken")
                        ? Reply.json(
                                200,
                                "[{\"clerk_user_id\":\"user_owner\",\"stripe_customer_id\":\"cus_taken\","
                                        + "\"email\":null,\"created_at\":\"2026-11-21T10:00:00+00:00\"}]")
                        : Reply.json(200, "[]");
        })) {
            var result = stores(stub)
                    .customers()
                    .link(new CustomerLink(UserId.of("user_new"), CustomerId.of("cus_taken"), null, T0));

            assertThat(result)
                    .isEqualTo(new dev.billing.core.port.CustomerStore.LinkResult.CustomerAlreadyLinked(
                            new CustomerLink(UserId.of("user_owner"), CustomerId.of("cus_taken"), null, T0)));
        }
    }

    @Test
    void aClosedUrlIsUnavailableAtOnce() {
        int port;
        try (StubServer stub = StubServer.start(r -> Reply.json(200, "[]"))) {
            port = Integer.parseInt(stub.url().substring(stub.url().lastIndexOf(':') + 1));
        }
        BillingStores stores = SupabaseBillingStores.create("http://127.0.0.1:" + port, KEY);
        long t0 = System.nanoTime();

        assertThatThrownBy(stores::ping)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("unreachable")
                .hasMessageNotContaining(KEY);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aClosedStoreRefusesCalls() {
        try (StubServer stub = StubServer.start(r -> Reply.json(200, "[]"))) {
            BillingStores stores = stores(stub);
            stores.close();
            assertThatThrownBy(() -> stores.customers().count())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("closed");
            assertThat(stub.received()).isEmpty();
        }
    }
}
