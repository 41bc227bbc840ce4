package dev.billing.core.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.usage.UsagePeriod;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QuotaPeriodTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final UsagePeriod BILLING =
            new UsagePeriod(Instant.parse("2026-03-10T08:00:00Z"), Instant.parse("2026-04-10T08:00:00Z"));

    @Test
    void aDayRunsFromLocalMidnightToLocalMidnight() {
        UsagePeriod day = QuotaPeriod.DAY.at(Instant.parse("2026-03-20T22:59:59Z"), BERLIN, BILLING);

        assertThat(day.start()).isEqualTo(Instant.parse("2026-03-19T23:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2026-03-20T23:00:00Z"));
        assertThat(QuotaPeriod.DAY
                        .at(Instant.parse("2026-03-20T23:00:00Z"), BERLIN, BILLING)
                        .start())
                .isEqualTo(Instant.parse("2026-03-20T23:00:00Z"));
    }

    @Test
    void theDaysOfTheClockChangesLast23And25Hours() {
        UsagePeriod spring = QuotaPeriod.DAY.at(Instant.parse("2026-03-29T12:00:00Z"), BERLIN, BILLING);
        UsagePeriod autumn = QuotaPeriod.DAY.at(Instant.parse("2026-10-25T12:00:00Z"), BERLIN, BILLING);

        assertThat(spring.start()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
        assertThat(spring.end()).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(Duration.between(spring.start(), spring.end())).hasHours(23);
        assertThat(autumn.start()).isEqualTo(Instant.parse("2026-10-24T22:00:00Z"));
        assertThat(autumn.end()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
        assertThat(Duration.between(autumn.start(), autumn.end())).hasHours(25);
    }

    @Test
    void aMonthIsTheCalendarMonthInTheZoneAndTheBillingPeriodIsThePlans() {
        UsagePeriod march = QuotaPeriod.MONTH.at(Instant.parse("2026-03-31T21:30:00Z"), BERLIN, BILLING);

        assertThat(march.start()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(march.end()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        // Half past midnight on 1 April in Berlin is already April there.
        assertThat(QuotaPeriod.MONTH
                        .at(Instant.parse("2026-03-31T22:30:00Z"), BERLIN, BILLING)
                        .start())
                .isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        assertThat(QuotaPeriod.BILLING_PERIOD.at(Instant.parse("2026-03-20T00:00:00Z"), ZoneOffset.UTC, BILLING))
                .isEqualTo(BILLING);
        assertThat(QuotaPeriod.parse("billing_period")).contains(QuotaPeriod.BILLING_PERIOD);
        assertThat(QuotaPeriod.parse("week")).isEmpty();
    }
}
