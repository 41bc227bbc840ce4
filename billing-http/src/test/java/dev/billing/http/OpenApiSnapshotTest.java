package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.config.OrgOptions;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakeIdentityVerifier;
import dev.billing.testkit.http.OpenApiContract;
import dev.billing.testkit.webhook.SvixSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.json is the document the server generates, committed so that clients generate their types from it
 * (clients/typescript) and so that a change to a wire record, a route or a status shows in review. Changing a
 * response field in Java without refreshing the file fails the build here; refresh it with the command in
 * {@link #REFRESH}.
 */
class OpenApiSnapshotTest {
    static final Path COMMITTED = Path.of("..", "docs", "openapi.json");
    static final String REFRESH = "./mvnw -B -q test -pl billing-http -am -Dtest=OpenApiSnapshotTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dbilling.openapi.write=true";

    /** Sorted keys, two-space indent, a final newline: the same bytes on every run and machine. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * The document of {@code billing-server serve} with every optional route on: the admin routes, {@code /metrics}
     * and Clerk's membership webhooks ({@code /webhooks/clerk}); not local mode's {@code /local/token}.
     */
    static String generated() throws Exception {
        BillingHarness harness = BillingHarness.withPlans(
                SamplePlans.withTeam(),
                OrgOptions.defaults().withMembershipSync(true),
                ClerkWebhookVerifier.create(List.of(SvixSignature.SECRET)));
        ApiDispatcher api = ApiDispatcher.builder()
                .billing(harness.billing())
                .identities(new FakeIdentityVerifier())
                .settings(ApiSettings.builder()
                        .adminToken("admin-token-for-the-document-0123456789")
                        .build())
                .metricsScrape(() -> "")
                .build();
        Object document = OpenApiDocument.of(api.routes(), api.settings().version());
        String text = CANONICAL.writeValueAsString(CANONICAL.readTree(CANONICAL.writeValueAsBytes(document)));
        return text + "\n";
    }

    @Test
    void theCommittedDocumentIsTheGeneratedOne() throws Exception {
        String generated = generated();
        if (Boolean.getBoolean("billing.openapi.write")) {
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        assertThat(committed)
                .as(
                        "docs/openapi.json is not the document the code generates (a wire record, route or status "
                                + "changed). Check the change is meant, then refresh the file with:%n  %s%nand commit it "
                                + "with the change (clients/typescript generates its types from it).",
                        REFRESH)
                .isEqualTo(generated);
    }

    @Test
    void theDocumentIsValidOpenApi() throws Exception {
        assertThatCode(() -> OpenApiContract.of(generated())).doesNotThrowAnyException();
    }
}
