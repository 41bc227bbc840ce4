package dev.billing.admin;

import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;

/** How the dashboard shows money and times: amounts in the currency's own unit, times in UTC. */
final class Format {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format() {}

    /** {@code 1999, "eur"} is {@code "19.99 EUR"}; zero-decimal currencies (JPY) keep their whole amount. */
    static String money(long minor, String currency) {
        String code = currency.toUpperCase(Locale.ROOT);
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        return BigDecimal.valueOf(minor, digits).toPlainString() + " " + code;
    }

    static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    static String day(Instant at) {
        return at == null ? "" : DAY.format(at);
    }

    /**
     * An inbox count with thousands separators, and a "+" when it is the cap of a larger number: {@code "10,000+"}
     * ({@link dev.billing.core.webhook.ListInboxEvents#COUNT_CAP}).
     */
    static String count(InboxCounts counts, InboxStatus status) {
        return String.format(Locale.ROOT, "%,d", counts.count(status)) + (counts.isAtLeast(status) ? "+" : "");
    }

    /** At most {@code max} characters, for error texts in a table cell. */
    static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
