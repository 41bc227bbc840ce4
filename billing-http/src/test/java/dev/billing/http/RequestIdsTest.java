package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(ApiDispatcher.oneDecimal(0)).isEqualTo("0.0");
        assertThat(ApiDispatcher.oneDecimal(31)).isEqualTo("3.1");
        assertThat(ApiDispatcher.oneDecimal(12345)).isEqualTo("1234.5");
        for (long tenths = 0; tenths < 5_000; tenths += 7) {
            assertThat(ApiDispatcher.oneDecimal(tenths))
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", tenths / 10.0));
        }
    }
}
