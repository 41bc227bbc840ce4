package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorsTest {

    @Test
    void partsRoundTripWhateverTheyHold() {
        String cursor = Cursors.encode("user_1", "a.b/c=d", "", "é\u0000");
        assertThat(cursor).doesNotContain("user_1");
        assertThat(Cursors.decode(cursor, 4)).containsExactly("user_1", "a.b/c=d", "", "é\u0000");
    }

    @Test
    void noCursorIsTheFirstPage() {
        assertThat(Cursors.decode(null, 2)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "YQ", "YQ.YQ.YQ"})
    void aMalformedCursorIsTheCallersMistake(String cursor) {
        assertThatThrownBy(() -> Cursors.decode(cursor, 2))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).code()).isEqualTo("invalid_cursor"));
    }

    @Test
    void instantsRoundTripAtMicrosecondsEvenCenturiesAhead() {
        for (Instant instant : new Instant[] {
            Instant.parse("2026-11-21T10:00:00.123456Z"),
            Instant.parse("2400-01-01T00:00:00.000001Z"),
            Instant.parse("1969-12-31T23:59:59.999999Z")
        }) {
            assertThat(Cursors.instantFromMicros(Cursors.micros(instant))).isEqualTo(instant);
        }
        assertThatThrownBy(() -> Cursors.instantFromMicros("12x")).isInstanceOf(InvalidRequestException.class);
    }
}
