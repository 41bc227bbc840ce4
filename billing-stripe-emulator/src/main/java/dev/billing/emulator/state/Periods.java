package dev.billing.emulator.state;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Billing period arithmetic in UTC, anchored like Stripe (month ends clamp, no drift). */
public final class Periods {
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private Periods() {}

    /** {@code anchor + n * (count interval)} in epoch seconds. */
    public static long plus(long anchor, String interval, long count, long n) {
        ZonedDateTime start = Instant.ofEpochSecond(anchor).atZone(ZoneOffset.UTC);
        long amount = count * n;
        ZonedDateTime end = switch (interval) {
            case "day" -> start.plusDays(amount);
            case "week" -> start.plusWeeks(amount);
            case "month" -> start.plusMonths(amount);
            case "year" -> start.plusYears(amount);
            default -> throw new IllegalArgumentException("unknown interval " + interval);
        };
        return end.toEpochSecond();
    }

    public static String day(long epochSeconds) {
        return DAY.format(Instant.ofEpochSecond(epochSeconds));
    }

    public static String money(long amount, String currency) {
        String symbol = "usd".equalsIgnoreCase(currency)
                ? "$"
                : "eur".equalsIgnoreCase(currency)
                        ? "€"
                        : "gbp".equalsIgnoreCase(currency) ? "£" : currency.toUpperCase(Locale.ROOT) + " ";
        String sign = amount < 0 ? "-" : "";
        long abs = Math.abs(amount);
        return String.format(Locale.ROOT, "%s%s%d.%02d", sign, symbol, abs / 100, abs % 100);
    }
}
