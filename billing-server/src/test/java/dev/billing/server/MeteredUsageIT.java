package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.retention.PruneExpired;
import dev.billing.core.retention.Pruned;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.testkit.http.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metered usage on the real server (local mode): accepted usage of a meter with a Stripe event name goes into the
 * outbox with the usage, and the server's scheduled drain reports it to the emulator's Billing Meters API under the
 * outbox identifier; through an outage of {@code /v1/billing/meter_events} nothing is lost and each event is
 * counted once.
 */
class MeteredUsageIT {
    static final String METER_EVENTS = "/v1/billing/meter_events";

    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @BeforeEach
    void nothingPending() {
        f.emulator.clearFaults();
        LocalFixture.eventually(
                "no meter report pending", () -> f.stores().usage().pendingReports() == 0);
    }

    List<MeterReport> reportsOf(String customer) {
        List<MeterReport> out = new ArrayList<>();
        String cursor = null;
        do {
            var page = f.stores().usage().listReports(cursor, 100);
            page.items().stream()
                    .filter(r -> r.event().customerId().value().equals(customer))
                    .forEach(out::add);
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    List<RecordedRequest> meterEventRequests(String identifier) {
        return f.requests("POST", METER_EVENTS).stream()
                .filter(r -> identifier.equals(r.params().get("identifier")))
                .toList();
    }

    /** The emulator's total of the meter for the customer around now (Stripe's event summaries). */
    double meteredTotal(String customer) throws IOException, InterruptedException {
        Instant now = f.emulator.now();
        String query = "customer=" + customer + "&start_time="
                + now.minus(Duration.ofDays(2)).getEpochSecond() + "&end_time="
                + now.plus(Duration.ofDays(1)).getEpochSecond();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(f.emulator.baseUrl()
                                        + "/v1/billing/meters/mtr_api_calls/event_summaries?" + query))
                                .header("Authorization", "Bearer " + f.emulator.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode summary = LocalFixture.JSON.readTree(r.body()).path("data").get(0);
        return summary.path("aggregated_value").asDouble();
    }

    @Test
    void acceptedMeteredUsageReachesStripeOnceUnderTheOutboxIdentifier() throws Exception {
        String token = f.token("user_metered");
        String customer = f.customer(token);
        f.subscribe(token, "pro", "month");
        f.emulator.clearRequestLog();

        assertThat(f.usage(token, "api_calls", "7", "call-1").status()).isEqualTo(200);
        assertThat(f.usage(token, "api_calls", "7", "call-1")
                        .json()
                        .path("replayed")
                        .asBoolean())
                .isTrue();
        assertThat(f.usage(token, "exports", "1", "export-1").status()).isEqualTo(200); // no stripeEventName

        List<MeterReport> reports = reportsOf(customer);
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.event().eventName()).isEqualTo("api_calls");
            assertThat(r.event().value()).isEqualTo(7);
        });
        String identifier = reports.get(0).identifier();
        LocalFixture.eventually(
                "the drain reported the usage", () -> f.stores().usage().pendingReports() == 0);

        assertThat(f.requests("POST", METER_EVENTS)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.params())
                    .containsEntry("identifier", identifier)
                    .containsEntry("event_name", "api_calls")
                    .containsEntry("payload", Map.of("stripe_customer_id", customer, "value", "7"));
        });
        assertThat(reportsOf(customer))
                .singleElement()
                .satisfies(r -> assertThat(r.reportedAt()).isNotNull());
        assertThat(meteredTotal(customer)).isEqualTo(7.0);
    }

    @Test
    void anOutageOfTheMeterEventsApiLosesNothingAndEachEventArrivesOnce() throws Exception {
        String token = f.token("user_outage");
        String customer = f.customer(token);
        f.subscribe(token, "pro", "month");
        f.emulator.clearRequestLog();
        f.emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", METER_EVENTS).times(100_000));

        for (int amount = 1; amount <= 3; amount++) {
            assertThat(f.usage(token, "api_calls", Integer.toString(amount), "outage-" + amount)
                            .status())
                    .isEqualTo(200);
        }
        List<String> identifiers =
                reportsOf(customer).stream().map(MeterReport::identifier).toList();
        assertThat(identifiers).hasSize(3).doesNotHaveDuplicates();

        // the drain keeps trying: a first round of failed attempts, then (retries are 10 s later, on the server's
        // clock, which is the emulator's) a second one
        LocalFixture.eventually(
                "a first failed round",
                () -> reportsOf(customer).stream().allMatch(r -> r.attempts() >= 1 && r.lastError() != null));
        f.emulator.advanceClock(Duration.ofMinutes(1));
        LocalFixture.eventually(
                "a second failed round", () -> reportsOf(customer).stream().allMatch(r -> r.attempts() >= 2));
        // A run sends no report after one Stripe failed: those wait with it, saying why.
        assertThat(reportsOf(customer)).allSatisfy(r -> {
            assertThat(r.reportedAt()).isNull();
            assertThat(r.lastError())
                    .satisfiesAnyOf(
                            e -> assertThat(e).contains("500"),
                            e -> assertThat(e).startsWith("not_sent: ").contains("stripe_outcome_unknown"));
        });
        assertThat(reportsOf(customer))
                .anySatisfy(r -> assertThat(r.lastError()).contains("500"));
        assertThat(identifiers)
                .allSatisfy(id -> assertThat(meterEventRequests(id))
                        .allSatisfy(r -> assertThat(r.status()).isEqualTo(500)));
        assertThat(meteredTotal(customer)).isZero();

        // Stripe recovers, but the first answer after the outage is lost although the event was recorded
        f.emulator.clearFaults();
        f.emulator.addFault(Fault.of(FaultKind.ERROR_500_AFTER_APPLY, "POST", METER_EVENTS));
        LocalFixture.eventually("every report accepted", () -> {
            if (f.stores().usage().pendingReports() == 0) {
                return true;
            }
            f.emulator.advanceClock(Duration.ofMinutes(2)); // retries are due minutes apart at most
            LocalFixture.pause(500);
            return false;
        });

        for (String identifier : identifiers) {
            List<RecordedRequest> attempts = meterEventRequests(identifier);
            // recorded by Stripe exactly once: one fresh 200, or the request whose answer was lost; what follows
            // that one is an idempotent replay (stripe-java's own retry) or a duplicate-identifier refusal, which
            // the server takes as done
            long recorded = attempts.stream()
                    .filter(r -> (r.status() == 200 && !r.replayed()) || "500_after_apply".equals(r.fault()))
                    .count();
            assertThat(recorded).as(identifier + ": " + attempts).isEqualTo(1);
        }
        assertThat(f.requests("POST", METER_EVENTS))
                .filteredOn(r -> "500_after_apply".equals(r.fault()))
                .hasSize(1);
        assertThat(meteredTotal(customer)).isEqualTo(6.0);
        assertThat(reportsOf(customer))
                .allSatisfy(r -> assertThat(r.reportedAt()).isNotNull());
    }

    /**
     * An outage of Stripe's meter longer than the 35 days Stripe takes an event for: the report is no longer sent
     * (each call would be refused), it stays in the outbox marked why, and {@code /metrics} counts it as unbillable.
     */
    @Test
    void usageOlderThanStripeTakesIsKeptCountedAndNoLongerSent() {
        String token = f.token("user_metered_too_old");
        String customer = f.customer(token);
        f.subscribe(token, "pro", "month");
        f.emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", METER_EVENTS).times(100_000));
        assertThat(f.usage(token, "api_calls", "4", "too-old-1").status()).isEqualTo(200);
        LocalFixture.eventually(
                "a failed attempt",
                () -> reportsOf(customer).stream().allMatch(r -> r.attempts() >= 1 && r.lastError() != null));
        String identifier = reportsOf(customer).get(0).identifier();
        try {
            // the server's clock is the emulator's
            f.emulator.advanceClock(Duration.ofDays(36));
            LocalFixture.eventually(
                    "the report found too old",
                    () -> reportsOf(customer).get(0).lastError().startsWith("too_old: "));
            int attempts = reportsOf(customer).get(0).attempts();
            int calls = meterEventRequests(identifier).size();
            f.emulator.clearFaults();
            f.emulator.advanceClock(Duration.ofDays(2));
            LocalFixture.eventually(
                    "the report looked at again",
                    () -> reportsOf(customer).get(0).attempts() > attempts);

            assertThat(meterEventRequests(identifier))
                    .as("not sent to Stripe again, though Stripe is back")
                    .hasSize(calls);
            assertThat(reportsOf(customer)).singleElement().satisfies(r -> {
                assertThat(r.reportedAt()).isNull();
                assertThat(r.lastError()).contains("bill it another way");
            });
            LocalFixture.eventually( // the gauges are read from the store at most every 5 s
                    "/metrics counts it as unbillable",
                    () -> f.http.get("/metrics", f.local.adminToken())
                            .body()
                            .contains("billing_meter_reports_unbillable 1.0"));
        } finally {
            f.emulator.clearFaults();
            f.stores().usage().removeReport(identifier); // the other tests start with nothing pending
        }
    }

    @Test
    void usageWithoutAGrantingSubscriptionIsNotReported() {
        String token = f.token("user_free_metered");
        String customer = f.customer(token);
        assertThat(f.usage(token, "api_calls", "3", "free-1").status()).isEqualTo(200);
        assertThat(reportsOf(customer)).isEmpty();
    }

    /**
     * Retention meets metering on the real server: a key past its 7 days counts again and reaches Stripe as a new
     * meter event; then sent reports past their 90 days go, and Stripe's total stays what it billed.
     */
    @Test
    void aKeyCountedAgainAfterRetentionIsBilledAgainAndSentReportsAgeOut() throws Exception {
        String token = f.token("user_metered_retention");
        String customer = f.customer(token);
        f.subscribe(token, "pro", "month");
        f.emulator.clearRequestLog();
        assertThat(f.usage(token, "api_calls", "5", "again-1").status()).isEqualTo(200);
        LocalFixture.eventually(
                "the first report sent", () -> f.stores().usage().pendingReports() == 0);

        assertThat(pruneAsIfAhead(Duration.ofDays(8)).usageKeys())
                .as("the key is past its 7 days")
                .isGreaterThanOrEqualTo(1);
        Http.Response again = f.usage(token, "api_calls", "5", "again-1");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("replayed").asBoolean())
                .as("counted again")
                .isFalse();
        LocalFixture.eventually(
                "the second report sent", () -> f.stores().usage().pendingReports() == 0);
        assertThat(f.requests("POST", METER_EVENTS))
                .as("two meter events, each under its own identifier")
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(200))
                .extracting(r -> r.params().get("identifier"))
                .doesNotHaveDuplicates();
        assertThat(meteredTotal(customer)).isEqualTo(10.0);

        assertThat(pruneAsIfAhead(Duration.ofDays(91)).meterReports()).isGreaterThanOrEqualTo(2);
        assertThat(reportsOf(customer))
                .as("sent reports past their 90 days are gone")
                .isEmpty();
        assertThat(meteredTotal(customer)).as("what Stripe billed stays").isEqualTo(10.0);
    }

    /** A retention pass with the defaults, as of the server's clock (the emulator's) moved {@code ahead}. */
    private static Pruned pruneAsIfAhead(Duration ahead) {
        return new PruneExpired(
                        f.stores(),
                        RetentionOptions.defaults(),
                        Clock.fixed(f.emulator.now().plus(ahead), ZoneOffset.UTC))
                .prune();
    }
}
