package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.http.log.AccessEntry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void generatedIdsAreReqAnd24HexDigitsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = RequestIds.generate();
            assertThat(id).matches("req_[0-9a-f]{24}");
            seen.add(id);
        }
        assertThat(seen).hasSize(100_000);
    }

    @Test
    void theAccessLogDurationHasOneDecimalLikeStringFormat() {
        assertThat(millis(0)).isEqualTo("0.0");
        assertThat(millis(3_100_000)).isEqualTo("3.1");
        assertThat(millis(1_234_549_999)).isEqualTo("1234.5");
        for (long tenths = 0; tenths < 5_000; tenths += 7) {
            assertThat(millis(tenths * 100_000)).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", tenths / 10.0));
        }
        assertThat(entry(3_149_999).millisValue()).isEqualTo(3.1);
    }

    @Test
    void theStatusClassesGetMicrometersOutcomeNames() {
        assertThat(ApiDispatcher.outcome(101)).isEqualTo("INFORMATIONAL");
        assertThat(ApiDispatcher.outcome(204)).isEqualTo("SUCCESS");
        assertThat(ApiDispatcher.outcome(302)).isEqualTo("REDIRECTION");
        assertThat(ApiDispatcher.outcome(429)).isEqualTo("CLIENT_ERROR");
        assertThat(ApiDispatcher.outcome(503)).isEqualTo("SERVER_ERROR");
    }

    private static String millis(long nanos) {
        return entry(nanos).millis();
    }

    private static AccessEntry entry(long nanos) {
        return new AccessEntry("req_1", "GET", "/x", "/x", 200, nanos, "127.0.0.1", null, null);
    }
}
