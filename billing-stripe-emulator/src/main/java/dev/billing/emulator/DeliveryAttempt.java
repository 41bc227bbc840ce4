package dev.billing.emulator;

import java.time.Instant;

/**
 * One webhook delivery attempt.
 *
 * <p>Usage: {@code emulator.deliveryLog().stream().filter(DeliveryAttempt::succeeded)}
 *
 * @param eventId the event delivered
 * @param eventType its type
 * @param endpointId the webhook endpoint ({@code we_...})
 * @param url where it was posted
 * @param attempt 1 for the first try, 2 for the first retry, ...
 * @param copy which duplicate this is (1 unless {@code duplicate(n)} is on)
 * @param status the HTTP status the receiver answered, 0 on connection failure or timeout
 * @param error the connection error, or null
 * @param at when the attempt finished (wall clock)
 */
public record DeliveryAttempt(
        String eventId,
        String eventType,
        String endpointId,
        String url,
        int attempt,
        int copy,
        int status,
        String error,
        Instant at) {

    /** Whether the receiver answered 2xx. */
    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
