package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonCodecTest {
    final JsonCodec json = new JsonCodec();

    Requests.Usage usage(String body) {
        return json.read(body.getBytes(StandardCharsets.UTF_8), Requests.Usage.class);
    }

    static void assertCode(Runnable call, String code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void readsAValidBody() {
        Requests.Usage u = usage("{\"meter\":\"api_calls\",\"amount\":3}");
        assertThat(u.meter()).isEqualTo("api_calls");
        assertThat(u.amount()).isEqualTo(3L);
    }

    @Test
    void emptyBodyReadsAsAnEmptyObject() {
        assertThat(json.read(new byte[0], Requests.Cancel.class).atPeriodEnd()).isNull();
        assertThat(json.read(" \n".getBytes(StandardCharsets.UTF_8), Requests.Empty.class))
                .isNotNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"meter\":\"a\",\"amount\":\"1\"}|invalid_amount",
                "{\"meter\":\"a\",\"amount\":1.5}|invalid_amount",
                "{\"meter\":\"a\",\"amount\":1.0}|invalid_amount",
                "{\"meter\":\"a\",\"amount\":true}|invalid_amount",
                "{\"meter\":\"a\",\"amount\":9223372036854775808}|invalid_amount",
                "{\"meter\":\"a\",\"amount\":[1]}|invalid_amount",
                "{\"meter\":5,\"amount\":1}|invalid_meter",
                "{\"meter\":\"a\",\"amount\":1,\"amount\":2}|invalid_json",
                "{\"meter\":\"a\",\"amount\":1} {}|invalid_json",
                "{\"meter\":\"a\",|invalid_json",
                "[1,2]|invalid_json",
                "\"text\"|invalid_json",
                "null|invalid_json",
                "1|invalid_json",
                "{\"meter\":\"a\",\"amount\":1,\"extra\":1}|unknown_field"
            })
    void refusesWhatIsNotExactlyTheBody(String body, String code) {
        assertCode(() -> usage(body), code);
    }

    @Test
    void booleansAreNotCoercedFromStringsOrNumbers() {
        assertCode(
                () -> json.read("{\"atPeriodEnd\":\"false\"}".getBytes(StandardCharsets.UTF_8), Requests.Cancel.class),
                "invalid_at_period_end");
        assertCode(
                () -> json.read("{\"atPeriodEnd\":0}".getBytes(StandardCharsets.UTF_8), Requests.Cancel.class),
                "invalid_at_period_end");
    }

    @Test
    void unknownFieldNamesAreSanitizedInMessages() {
        assertThatThrownBy(() -> usage("{\"<script>x\":1}")).hasMessage("Unknown field 'scriptx'.");
    }

    @Test
    void writesInstantsAsIsoTextAndLeavesOutFieldsWithoutAValue() {
        String out = json.writeString(
                new Responses.QuotaView("api_calls", 3, null, null, Instant.parse("2026-12-01T00:00:00Z")));
        assertThat(out).isEqualTo("{\"meter\":\"api_calls\",\"used\":3,\"resetsAt\":\"2026-12-01T00:00:00Z\"}");
    }

    @Test
    void writesTheValuesOfAMapAsTheyAre() {
        java.util.Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("id", "evt_1");
        payload.put("request", null);
        assertThat(json.writeString(payload)).isEqualTo("{\"id\":\"evt_1\",\"request\":null}");
    }

    @Test
    void snakeCasesFieldNames() {
        assertThat(JsonCodec.snake("atPeriodEnd")).isEqualTo("at_period_end");
        assertThat(JsonCodec.snake("amount")).isEqualTo("amount");
    }
}
