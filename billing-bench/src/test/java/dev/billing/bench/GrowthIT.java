package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The growth scenario end to end at two tiny sizes: the store is seeded in bulk, every hot path is measured at each
 * size over real HTTP with each answer checked, and the ingest's exactly-once checks pass. Its figures mean nothing at
 * these sizes; the scan counters are TableScansIT's (a tiny run skips them: each costs a wait for Postgres).
 */
class GrowthIT {
    @TempDir
    Path dir;

    @Test
    void everyHotPathIsMeasuredAtEachSizeAndEveryAnswerChecked() throws Exception {
        Path json = dir.resolve("growth.json");
        BenchIT.Run run = BenchIT.run(
                "--scenarios",
                "growth",
                "--growth-steps",
                "300:300,600:3k",
                "--json",
                json.toString(),
                "--log-dir",
                dir.resolve("logs").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        JsonNode growth = new ObjectMapper().readTree(json.toFile()).path("growth");
        assertThat(growth).hasSize(2);
        List<String> expected = List.of(
                "POST /webhooks/stripe -> projection (events/s)",
                "GET /me/entitlements",
                "POST /usage",
                "GET /stripe/products",
                "GET /admin/analytics/revenue",
                GrowthReport.computed("GET /admin/analytics/revenue"),
                "GET /admin/analytics/subscriptions",
                GrowthReport.computed("GET /admin/analytics/subscriptions"),
                "GET /admin/analytics/movements?months=12",
                GrowthReport.computed("GET /admin/analytics/movements?months=12"),
                "GET /admin/analytics/usage",
                GrowthReport.computed("GET /admin/analytics/usage"),
                "GET /admin/analytics/mrr?months=12",
                GrowthReport.computed("GET /admin/analytics/mrr?months=12"),
                "GET /admin/users/{id}/export",
                "DELETE /admin/users/{id}",
                "GET /admin/customers?q={email} (dashboard)",
                "GET /admin/audit?userId={id}",
                "GET /admin/webhook-events",
                "GET /admin/webhook-events?status=processed",
                "GET /admin/webhook-events?status=failed");
        for (JsonNode step : growth) {
            List<String> names = new ArrayList<>();
            step.path("paths").forEach(p -> names.add(p.path("name").asText()));
            assertThat(names).containsExactlyElementsOf(expected);
            step.path("paths").forEach(p -> {
                assertThat(p.path("errors").asLong()).as(p.toString()).isZero();
                assertThat(p.path("figure").asDouble()).as(p.toString()).isPositive();
                p.path("checks")
                        .forEach(c -> assertThat(c.path("ok").asBoolean())
                                .as(c.toString())
                                .isTrue());
            });
        }
        assertThat(growth.get(0).path("tableRows").path("customers").asLong()).isGreaterThanOrEqualTo(300);
        assertThat(growth.get(1).path("tableRows").path("customers").asLong()).isGreaterThanOrEqualTo(600);
        assertThat(growth.get(1).path("tableRows").path("webhook_inbox").asLong())
                .isGreaterThanOrEqualTo(3_000);
        assertThat(growth.get(1).path("tableRows").path("invoices").asLong()).isGreaterThanOrEqualTo(1_800);
        assertThat(run.out())
                .contains(
                        "== growth: each hot path as the store grows",
                        "growth: no sequential scan of a table of 50k+ rows on a hot path",
                        "growth: Postgres' scan counters not read (a run below 10k customers)",
                        "RESULT: every check passed");
    }
}
