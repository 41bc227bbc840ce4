package dev.billing.core.model.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An outbox row: accepted usage still to be reported to Stripe Billing Meters. Written in the same atomic step as
 * the usage increment, so a Stripe outage delays reporting and loses nothing. Nullable: {@code lastError},
 * {@code nextAttemptAt}, {@code reportedAt}.
 */
public record MeterReport(MeterEvent event, int attempts, String lastError, Instant nextAttemptAt, Instant reportedAt) {
    /**
     * The age past which a report is no longer sent: Stripe takes a meter event only up to 35 days after its
     * timestamp, and the hour more keeps a clock ahead of Stripe's from holding back a report Stripe would still take.
     */
    public static final Duration UNBILLABLE_AGE = Duration.ofDays(35).plusHours(1);

    /**
     * The age past which a report is no longer even claimed: a week past {@link #UNBILLABLE_AGE}, time for the worker
     * to mark each one too old (its attempts are at most an hour apart by default). A claim's scan of the outbox starts
     * at it, so however many such reports pile up, they cost the worker nothing.
     */
    public static final Duration CLAIM_HORIZON = UNBILLABLE_AGE.plusDays(7);

    public MeterReport {
        Objects.requireNonNull(event, "event");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    public String identifier() {
        return event.identifier();
    }

    public static MeterReport pending(MeterEvent event) {
        return new MeterReport(event, 0, null, null, null);
    }
}
