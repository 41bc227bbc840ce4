package dev.billing.server.invariants;

import dev.billing.core.config.RetentionOptions;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmittedEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stripe's deliveries against billing's inbox, checked after the step settled (no delivery still on its way): none
 * given up on, and none answered 2xx without being kept. Either is a webhook lost, whatever the projection shows.
 */
final class DeliveryInvariants {
    private DeliveryInvariants() {}

    static void check(Run r) {
        List<String> endpoints = r.world.endpoints();
        Map<String, DeliveryAttempt> last = new LinkedHashMap<>();
        for (DeliveryAttempt a : r.world.emulator.deliveryLog()) {
            if (endpoints.contains(a.endpointId())) {
                last.merge(
                        a.eventId() + "/" + a.endpointId() + "/" + a.copy(),
                        a,
                        (was, now) -> was.succeeded() ? was : now);
            }
        }
        noneGivenUp(last.values());
        answeredAreKept(r, last.values());
    }

    /** Every event Stripe sent to an instance's endpoint was answered 2xx in the end, after its retries. */
    private static void noneGivenUp(Collection<DeliveryAttempt> last) {
        List<String> lost = last.stream()
                .filter(a -> !a.succeeded())
                .map(a -> a.eventType() + " " + a.eventId() + " (" + a.attempt() + " attempts, the last "
                        + (a.error() == null ? "answered " + a.status() : a.error()) + ")")
                .toList();
        if (!lost.isEmpty()) {
            throw new AssertionError("Stripe gave up delivering " + lost);
        }
    }

    /**
     * Every event billing answered 2xx is in its inbox: that answer stops Stripe's retries, so an event answered and
     * not kept is never applied. Retention deletes handled events: those a retention step deleted ({@link
     * Run#prunedEvents}), and those older than the inbox's default retention (the server's own passes run on Stripe's
     * clock), are not looked for.
     */
    private static void answeredAreKept(Run r, Collection<DeliveryAttempt> last) {
        Set<String> held = r.world.inboxNotified().keySet();
        Instant cutOff = r.world
                .emulator
                .now()
                .minus(RetentionOptions.defaults().inboxEvents().orElseThrow());
        Map<String, Instant> created = r.world.emulator.events().stream()
                .collect(Collectors.toMap(EmittedEvent::id, EmittedEvent::created, (a, b) -> a));
        List<String> lost = last.stream()
                .filter(DeliveryAttempt::succeeded)
                .filter(a -> !held.contains(a.eventId()) && !r.prunedEvents.contains(a.eventId()))
                .filter(a -> !created.getOrDefault(a.eventId(), Instant.MAX).isBefore(cutOff))
                .map(a -> a.eventType() + " " + a.eventId())
                .distinct()
                .toList();
        if (!lost.isEmpty()) {
            throw new AssertionError("billing answered Stripe 2xx for events its inbox does not hold: " + lost);
        }
    }
}
