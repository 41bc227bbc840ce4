package dev.billing.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final Instant now = Instant.parse("2026-11-21T00:00:00Z");
    private final RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60), 5);

    @Test
    void backsOffExponentiallyUpToTheCap() {
        assertThat(schedule.next(1, now)).contains(now.plusSeconds(10));
        assertThat(schedule.next(2, now)).contains(now.plusSeconds(20));
        assertThat(schedule.next(3, now)).contains(now.plusSeconds(40));
        assertThat(schedule.next(4, now)).contains(now.plusSeconds(60));
    }

    @Test
    void parksAfterTheLastAttempt() {
        assertThat(schedule.next(5, now)).isEmpty();
        assertThat(schedule.next(6, now)).isEmpty();
    }
}
