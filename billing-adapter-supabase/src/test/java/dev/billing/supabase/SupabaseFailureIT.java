package dev.billing.supabase;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.port.BillingStores;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Supabase down, a wrong key, a project without the billing SQL: fast, typed, clear failures. */
class SupabaseFailureIT {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_failure");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void withPostgrestStoppedEveryCallFailsFastAsUnavailableAndWorksAgainAfterARestart() {
        BillingStores stores = project.stores();
        UserId user = UserId.of(unique("user_"));
        List<Executable> calls = List.of(
                stores::ping,
                () -> stores.customers().findByUserId(user),
                () -> stores.customers().link(new CustomerLink(user, CustomerId.of(unique("cus_")), null, T0)),
                () -> stores.subscriptions().countSubscriptions(),
                () -> stores.inbox().record(anEvent().build(), T0),
                () -> stores.inbox().claimDue(5, "me", T0, Duration.ofSeconds(30)),
                () -> stores.usage()
                        .increment(new UsageIncrement(
                                user,
                                "api_calls",
                                new UsagePeriod(T0, T0.plusSeconds(60)),
                                1,
                                10,
                                unique("k"),
                                "f",
                                T0,
                                null)));
        project.supabase().stopPostgrest();
        try {
            for (Executable call : calls) {
                long t0 = System.nanoTime();
                assertThatThrownBy(call::execute)
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("HTTP 502")
                        .hasMessageNotContaining(project.supabase().serviceRoleKey());
                // Quick: the gateway answers 502 at once; reads are tried 3 times 50 and 150 ms apart. The bound is
                // loose for loaded build machines; the request timeout (10 s) is what it must stay far below.
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            }
        } finally {
            project.supabase().startPostgrest();
        }
        stores.ping();
        CustomerLink link = new CustomerLink(user, CustomerId.of(unique("cus_")), null, T0);
        stores.customers().link(link);
        assertThat(stores.customers().findByUserId(user)).contains(link);
    }

    @Test
    void aKeyThatIsNotTheProjectsIsAConfigurationErrorThatNeverShowsIt() {
        String forged = project.supabase().jwt(Map.of("role", "service_role", "iss", "supabase"));
        BillingStores stores = SupabaseBillingStores.create(project.supabase().url(), forged);

        assertThatThrownBy(stores::ping)
                .isInstanceOf(SupabaseConfigurationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("Invalid API key")
                .hasMessageContaining("SUPABASE_SERVICE_ROLE_KEY")
                .hasMessageNotContaining(forged);
        assertThatThrownBy(() -> stores.customers().findByUserId(UserId.of("user_1")))
                .isInstanceOf(SupabaseConfigurationException.class);
    }

    @Test
    void theAnonKeyOrNoKeyIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> SupabaseBillingStores.create(
                        project.supabase().url(), project.supabase().anonKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role 'anon'")
                .hasMessageNotContaining(project.supabase().anonKey());
        assertThatThrownBy(() -> SupabaseBillingStores.create(project.supabase().url(), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serviceRoleKey is missing");
    }

    @Test
    void aProjectWithoutTheBillingSqlSaysToApplyIt() {
        try (SupabaseProject bare = SupabaseProject.start("sb_bare", "SELECT 1")) {
            assertThatThrownBy(() -> bare.stores().ping())
                    .isInstanceOf(SupabaseConfigurationException.class)
                    .hasMessageContaining("billing-server supabase-sql");
            assertThatThrownBy(() -> bare.stores().inbox().countByStatus())
                    .isInstanceOf(SupabaseConfigurationException.class);
        }
    }
}
