package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load generator's content check: exact, whatever the hint from the previous answer says. */
class BodyMatchTest {
    private static final byte[] NEEDLE = bytes("\"id\":\"prod_pro\"");

    @Test
    void findsTheNeedleWithoutAHintAndAtTheHint() {
        byte[] body = bytes("{\"data\":[{\"id\":\"prod_basic\"},{\"id\":\"prod_pro\"}]}");
        int at = LeanHttpConnection.find(body, body.length, NEEDLE, -1);
        assertThat(at).isEqualTo(new String(body, StandardCharsets.UTF_8).indexOf("\"id\":\"prod_pro\""));
        assertThat(LeanHttpConnection.find(body, body.length, NEEDLE, at)).isEqualTo(at);
    }

    @Test
    void aStaleHintFallsBackToAScanAndAnAbsentNeedleIsNotFound() {
        byte[] moved = bytes("{\"data\":[{\"id\":\"prod_pro\"}]}");
        assertThat(LeanHttpConnection.find(moved, moved.length, NEEDLE, 20)).isEqualTo(10);
        byte[] absent = bytes("{\"data\":[{\"id\":\"prod_basic\"},{\"id\":\"prod_pr\"}]}");
        assertThat(LeanHttpConnection.find(absent, absent.length, NEEDLE, 10)).isEqualTo(-1);
        assertThat(LeanHttpConnection.find(absent, absent.length, NEEDLE, 200)).isEqualTo(-1);
    }

    @Test
    void onlyTheFirstLengthBytesCount() {
        byte[] buffer = bytes("{\"data\":[]}\"id\":\"prod_pro\" left over from a longer answer");
        assertThat(LeanHttpConnection.find(buffer, 11, NEEDLE, -1)).isEqualTo(-1);
        assertThat(LeanHttpConnection.find(buffer, 11, NEEDLE, 11)).isEqualTo(-1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
