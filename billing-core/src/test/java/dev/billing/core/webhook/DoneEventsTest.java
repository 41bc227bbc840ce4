package dev.billing.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DoneEventsTest {

    @Test
    void remembersUpToItsCapacityAndForgetsTheOldestFirst() {
        DoneEvents done = new DoneEvents(2);
        done.remember("evt_1");
        done.remember("evt_2");
        assertThat(done.contains("evt_1")).isTrue();
        assertThat(done.contains("evt_2")).isTrue();

        done.remember("evt_3");

        assertThat(done.contains("evt_1")).isFalse();
        assertThat(done.contains("evt_2")).isTrue();
        assertThat(done.contains("evt_3")).isTrue();
    }

    @Test
    void rememberingAnEventTwiceTakesOnePlace() {
        DoneEvents done = new DoneEvents(2);
        done.remember("evt_1");
        done.remember("evt_1");
        done.remember("evt_2");

        assertThat(done.contains("evt_1")).isTrue();
        assertThat(done.contains("evt_2")).isTrue();
        assertThat(done.contains("evt_never")).isFalse();
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new DoneEvents(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }
}
