package dev.billing.core.model.catalog;

import dev.billing.core.model.usage.UsagePeriod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How often a meter's quota starts again: each calendar day or month in a time zone, or each billing period of the
 * plan in force (the subscription's period; a calendar month in UTC on the free tier).
 */
public enum QuotaPeriod {
    DAY,
    MONTH,
    BILLING_PERIOD;

    /** {@code day}, {@code month}, {@code billing_period}: the plan file's words. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<QuotaPeriod> parse(String wireName) {
        for (QuotaPeriod p : values()) {
            if (p.wireName().equals(wireName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The period containing {@code now}. Days and months start at local midnight in {@code zone} (the first valid
     * instant of the day where a daylight-saving change skips midnight), so a day may last 23 or 25 hours.
     *
     * @param billing the plan's current billing period (used by {@link #BILLING_PERIOD})
     */
    public UsagePeriod at(Instant now, ZoneId zone, UsagePeriod billing) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(zone, "zone");
        return switch (this) {
            case BILLING_PERIOD -> Objects.requireNonNull(billing, "billing");
            case DAY -> {
                LocalDate day = now.atZone(zone).toLocalDate();
                yield new UsagePeriod(
                        day.atStartOfDay(zone).toInstant(),
                        day.plusDays(1).atStartOfDay(zone).toInstant());
            }
            case MONTH -> {
                YearMonth month = YearMonth.from(now.atZone(zone));
                ZonedDateTime start = month.atDay(1).atStartOfDay(zone);
                yield new UsagePeriod(
                        start.toInstant(),
                        month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant());
            }
        };
    }
}
