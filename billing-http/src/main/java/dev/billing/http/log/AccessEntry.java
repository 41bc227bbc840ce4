package dev.billing.http.log;

/**
 * One finished request, as its access line tells it. {@code route} is the route template ({@code unmatched} for a
 * 404); {@code userId} and {@code serviceKey} are {@code null} when no caller was authenticated. Carries no header,
 * token or body, so no writer can leak one.
 */
public record AccessEntry(
        String requestId,
        String method,
        String route,
        String path,
        int status,
        long nanos,
        String ip,
        String userId,
        String serviceKey) {

    /** The duration in milliseconds with one decimal, e.g. {@code "3.1"}, without {@code String.format}'s cost. */
    public String millis() {
        long tenths = Math.round(nanos / 100_000.0);
        long abs = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + abs / 10 + "." + abs % 10;
    }

    /** The duration in milliseconds, to a tenth. */
    public double millisValue() {
        return Math.round(nanos / 100_000.0) / 10.0;
    }
}
