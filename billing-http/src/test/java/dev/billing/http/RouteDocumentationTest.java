package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakeIdentityVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** docs/HTTP_API.md names every route of the table (local mode's included), so the page cannot fall behind. */
class RouteDocumentationTest {

    @Test
    void everyRouteIsInHttpApiMd() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "HTTP_API.md"));
        HttpApi api = HttpApi.builder()
                .billing(BillingHarness.create().billing())
                .identities(new FakeIdentityVerifier())
                .metricsScrape(() -> "")
                .localTokens((user, email, org) -> new LocalTokens.Issued("t", Instant.EPOCH))
                .build();
        assertThat(api.routes()).hasSizeGreaterThan(25);
        for (ApiRoute route : api.routes()) {
            assertThat(doc).as(route.key()).contains("`" + route.method().name() + " " + route.path());
        }
    }

    @Test
    void operationIdsAreUniqueAndReadable() {
        HttpApi api = HttpApi.builder()
                .billing(BillingHarness.create().billing())
                .identities(new FakeIdentityVerifier())
                .build();
        assertThat(api.routes().stream()
                        .map(OpenApiDocument::operationId)
                        .distinct()
                        .count())
                .isEqualTo(api.routes().size());
        ApiRoute cancel = api.routes().stream()
                .filter(r -> r.path().endsWith("/cancel"))
                .findFirst()
                .orElseThrow();
        assertThat(OpenApiDocument.operationId(cancel)).isEqualTo("postStripeSubscriptionsIdCancel");
    }
}
