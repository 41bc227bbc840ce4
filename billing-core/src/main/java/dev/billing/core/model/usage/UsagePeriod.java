package dev.billing.core.model.usage;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;

/** A half-open usage period {@code [start, end)}: the subscription's current period, or a calendar month. */
public record UsagePeriod(Instant start, Instant end) {
    public UsagePeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a period must end after it starts");
        }
    }

    /** The UTC calendar month containing {@code instant} (the free tier's period). */
    public static UsagePeriod calendarMonthOf(Instant instant) {
        YearMonth month = YearMonth.from(instant.atOffset(ZoneOffset.UTC));
        return new UsagePeriod(
                month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
