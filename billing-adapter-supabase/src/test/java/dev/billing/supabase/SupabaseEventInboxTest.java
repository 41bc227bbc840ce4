package dev.billing.supabase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading inbox rows, including the ones the earlier Node backend wrote, without a server. */
class SupabaseEventInboxTest {

    private static JsonNode row(String json) throws Exception {
        return PostgrestClient.JSON.readTree(json);
    }

    @Test
    void aLegacyRowReadsAsAProcessedEventWithAnEnvelopePayload() throws Exception {
        InboxEntry entry =
                SupabaseEventInbox.entry(row("{\"stripe_event_id\":\"evt_old\",\"event_type\":\"invoice.paid\","
                        + "\"processed_at\":\"2025-01-02T03:04:05.123+00:00\",\"received_at\":\"2025-01-02T03:04:05.123+00:00\","
                        + "\"status\":\"processed\",\"attempts\":0,\"livemode\":false,\"payload_text\":null}"));

        Instant processed = Instant.parse("2025-01-02T03:04:05.123Z");
        assertThat(entry.status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry.processedAt()).isEqualTo(processed);
        assertThat(entry.receivedAt()).isEqualTo(processed);
        assertThat(entry.event().created()).isEqualTo(processed);
        assertThat(entry.event().type()).isEqualTo("invoice.paid");
        assertThat(entry.event().payload())
                .isEqualTo(
                        "{\"id\": \"evt_old\", \"type\": \"invoice.paid\", \"legacy\": true, \"object\": \"event\"}");
        assertThat(PostgrestClient.JSON
                        .readTree(entry.event().payload())
                        .get("legacy")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aLegacyRowWithoutTypeOrTimesStillReads() throws Exception {
        InboxEntry entry = SupabaseEventInbox.entry(row("{\"stripe_event_id\":\"evt_bare\",\"status\":\"processed\"}"));

        assertThat(entry.event().type()).isEqualTo("unknown");
        assertThat(entry.receivedAt()).isEqualTo(Instant.EPOCH);
        assertThat(entry.attempts()).isZero();
    }

    @Test
    void onlyOneJsonObjectIsAcceptedAsAPayload() {
        assertThat(SupabaseEventInbox.requireJsonObject(
                        anEvent().withPayload(" {\"a\": [1, {\"b\": null}]} ").build()))
                .isEqualTo(" {\"a\": [1, {\"b\": null}]} ");
        for (String bad :
                new String[] {"[1]", "{\"a\":1}, \"status\": \"processed\"", "{\"a\":1} {}", "{\"a\":", "\"x\""}) {
            assertThatThrownBy(() -> SupabaseEventInbox.requireJsonObject(
                            anEvent().withPayload(bad).build()))
                    .as(bad)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("not one JSON object");
        }
    }
}
