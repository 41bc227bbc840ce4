package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reference workload reads the whole event (so its time is the time of a real read) and reports a figure. */
class MachineSpeedTest {
    @Test
    void readsEveryTokenOfTheEvent() {
        String event = "{\"id\":\"evt_1\",\"data\":{\"object\":{\"items\":[\"ab\",\"cde\"],\"n\":3}}}";
        // field names id, data, object, items, n (2 + 4 + 6 + 5 + 1) and values evt_1, ab, cde (5 + 2 + 3)
        assertThat(MachineSpeed.read(event.getBytes(StandardCharsets.UTF_8))).isEqualTo(28);
    }

    @Test
    void theFigureIsATimePerRead() {
        assertThat(MachineSpeed.referenceMicros()).isPositive();
    }
}
