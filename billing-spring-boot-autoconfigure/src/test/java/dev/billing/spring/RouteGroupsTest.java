package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.Identity;
import dev.billing.http.ApiDispatcher;
import dev.billing.http.ApiRoute;
import dev.billing.http.ApiSettings;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which of the standalone server's routes each {@code billing.http.*} group serves in a Spring application. */
class RouteGroupsTest {
    /** With membership sync on, so Clerk's webhook route is among them. */
    private final Billing billing = BillingHarness.withPlans(
                    SamplePlans.catalog(), OrgOptions.defaults().withMembershipSync(true))
            .billing();

    private final List<ApiRoute> routes = ApiDispatcher.builder()
            .billing(billing)
            .identities(token -> Identity.of("user_1", "sess_1"))
            .settings(ApiSettings.builder().adminToken("a".repeat(32)).build())
            .build()
            .routes();

    private List<String> served(BillingHttpProperties http) {
        Predicate<ApiRoute> served = BillingWebMvcAutoConfiguration.served(http);
        return routes.stream()
                .filter(served)
                .map(r -> r.method() + " " + r.path())
                .toList();
    }

    @Test
    void byDefaultWebhooksUserRoutesAndTheDocumentButNoAdminHealthOrMetrics() {
        List<String> served = served(new BillingProperties().getHttp());

        assertThat(served)
                .contains(
                        "POST /webhooks/stripe",
                        "POST /webhooks/clerk",
                        "GET /me/entitlements",
                        "POST /stripe/checkout",
                        "GET /stripe/products",
                        "POST /usage",
                        "GET /openapi.json",
                        "POST /guest/checkout",
                        "POST /me/guest-purchases/claim");
        assertThat(served).noneMatch(r -> r.contains("/admin/") || r.contains("/health") || r.endsWith("/metrics"));
    }

    @Test
    void eachGroupSwitchesOnItsOwn() {
        BillingHttpProperties http = new BillingProperties().getHttp();
        http.getWebhooks().setEnabled(false);
        http.getApi().setEnabled(false);
        http.getOpenapi().setEnabled(false);
        http.getAdmin().setEnabled(true);

        List<String> served = served(http);

        assertThat(served).isNotEmpty().allMatch(r -> r.contains(" /admin/"));
    }

    @Test
    void everyRouteOfTheWebhooksAndGuestsTagsBelongsToAGroup() {
        List<ApiRoute> tagged = routes.stream()
                .filter(r -> r.tag().equals("webhooks") || r.tag().equals("guests"))
                .toList();
        assertThat(tagged)
                .extracting(ApiRoute::key)
                .contains("POST /webhooks/clerk", "POST /guest/checkout", "POST /me/guest-purchases/claim");
        BillingHttpProperties http = new BillingProperties().getHttp();
        assertThat(tagged).allMatch(BillingWebMvcAutoConfiguration.served(http));

        http.getWebhooks().setEnabled(false);
        assertThat(served(http))
                .noneMatch(r -> r.contains(" /webhooks/"))
                .contains("POST /guest/checkout", "POST /me/guest-purchases/claim");

        http.getWebhooks().setEnabled(true);
        http.getApi().setEnabled(false);
        assertThat(served(http)).noneMatch(r -> r.contains("guest")).contains("POST /webhooks/clerk");
    }
}
