package dev.billing.server.invariants;

import static dev.billing.server.invariants.Step.gone;
import static dev.billing.server.invariants.Step.user;
import static dev.billing.server.invariants.Step.who;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.port.UsageLedger;
import dev.billing.core.retention.PruneExpired;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.WebhookControls;
import dev.billing.testkit.http.Http;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * What happens around the parties: Stripe's clock, outages and deliveries, retention passes, Clerk's members,
 * redeliveries and replays, exports and erasures. See {@link Step}.
 */
final class WorldSteps {
    private WorldSteps() {}

    /**
     * Stripe's time moves on, and billing's with it (the server runs on the emulator's clock): trials end, periods
     * renew, open Checkout sessions expire after a day, grace periods and quota periods run out.
     */
    record AdvanceClock(int days) implements Step {
        static final List<Integer> CHOICES = List.of(1, 2, 8, 31);

        @Override
        public void run(Run r) {
            r.world.emulator.advanceClock(Duration.ofDays(CHOICES.get(Math.floorMod(days, CHOICES.size()))));
        }

        @Override
        public String toString() {
            return "Stripe's clock and billing's advance " + CHOICES.get(Math.floorMod(days, CHOICES.size()))
                    + " day(s)";
        }
    }

    /**
     * A retention pass runs as if days had passed: handled webhook events, usage keys, notices, sent meter reports and
     * usage counters older than the defaults keep them are deleted (a later redelivery of a deleted event is then
     * recorded and processed anew). No meter report leaves before Stripe got it, no counter before its time.
     */
    record Retention(int days) implements Step {
        static final List<Integer> CHOICES = List.of(8, 31, 400);

        @Override
        public void run(Run r) {
            Duration ahead = Duration.ofDays(CHOICES.get(Math.floorMod(days, CHOICES.size())));
            UsageLedger usage = r.world.stores().usage();
            List<UsageCounter> counters = MeteredUsage.counters(usage);
            List<String> unsent = MeteredUsage.reports(usage).stream()
                    .filter(m -> m.reportedAt() == null)
                    .map(MeterReport::identifier)
                    .toList();
            Set<String> held = Set.copyOf(r.world.inboxNotified().keySet());
            new PruneExpired(
                            r.world.stores(),
                            RetentionOptions.defaults(),
                            Clock.offset(r.world.emulator.clock(), ahead))
                    .prune();
            Set<String> stillHeld = r.world.inboxNotified().keySet();
            held.stream().filter(id -> !stillHeld.contains(id)).forEach(r.prunedEvents::add);
            // A report not yet sent is usage still to be billed: it may leave only by being sent (the background may
            // send one meanwhile, and the pass may then delete it).
            Set<String> left = MeteredUsage.reports(usage).stream()
                    .map(MeterReport::identifier)
                    .collect(Collectors.toSet());
            Set<String> sent = r.world.emulator.requestLog().stream()
                    .filter(q -> q.method().equals("POST")
                            && q.path().equals(MeteredUsage.METER_EVENTS)
                            && (q.status() == 200 || q.status() == 400)) // 400: already there, taken as sent
                    .map(q -> String.valueOf(q.params().get("identifier")))
                    .collect(Collectors.toSet());
            for (String id : unsent) {
                if (!left.contains(id) && !sent.contains(id)) {
                    throw new AssertionError("retention deleted meter report " + id + ", which Stripe never got");
                }
            }
            // A counter may leave only once its period is over by the default's 400 days (as of the pass's clock,
            // which ran no later than this).
            Instant cutOff = r.world
                    .emulator
                    .now()
                    .plus(ahead)
                    .minus(RetentionOptions.defaults().usageCounters().orElseThrow());
            Set<String> kept =
                    MeteredUsage.counters(usage).stream().map(Retention::id).collect(Collectors.toSet());
            for (UsageCounter c : counters) {
                if (!kept.contains(id(c)) && !c.period().end().isBefore(cutOff)) {
                    throw new AssertionError("retention deleted usage counter " + id(c) + ", whose period ended "
                            + c.period().end() + ", after the cut-off " + cutOff);
                }
            }
        }

        private static String id(UsageCounter c) {
            return c.userId().value() + "/" + c.meter() + "/" + c.period().start();
        }

        @Override
        public String toString() {
            return "retention runs as if " + CHOICES.get(Math.floorMod(days, CHOICES.size())) + " days had passed";
        }
    }

    /**
     * Stripe Billing Meters fail the next few reports (500): they stay in the outbox, due again later, so that a
     * retention pass meets reports not yet sent.
     */
    record MeterOutage(int times) implements Step {
        @Override
        public void run(Run r) {
            r.world.emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/billing/meter_events")
                    .times(times));
        }

        @Override
        public String toString() {
            return "Stripe fails the next " + times + " meter report(s)";
        }
    }

    /**
     * Stripe fails billing's next {@code times} write requests of each method (POST, DELETE), or with {@code reads}
     * its next {@code times} requests of any method (a read before a change, a webhook's re-fetch), whichever it sends
     * first, while a party does {@code then} and until its consequences have landed (a seat update, a re-fetch): the
     * answer lost after the work was done (a 500, the retry's replay too), late (300 ms), the work not done (a 500,
     * the connection dropped), or rate limited. The party gets what billing makes of it (success after its retries,
     * or 503 {@code stripe_unavailable}: never a 500, nor a 502 refusal, since the faults refuse nothing); what is
     * left of the faults is then withdrawn, and every invariant must still hold.
     */
    record StripeFails(int kind, int times, boolean reads, Step then) implements Step {
        @Override
        public Step acting() {
            return then.acting();
        }

        static final List<FaultKind> KINDS = List.of(
                FaultKind.ERROR_500_AFTER_APPLY,
                FaultKind.HANG_AFTER_APPLY,
                FaultKind.ERROR_500,
                FaultKind.DROP_CONNECTION,
                FaultKind.RATE_LIMIT_429);

        @Override
        public void run(Run r) {
            FaultKind failure = KINDS.get(Math.floorMod(kind, KINDS.size()));
            // Billing's requests only: the test reads and changes Stripe with a key of its own (World.TEST_STRIPE_KEY).
            List<String> methods = reads ? List.of("*") : List.of("POST", "DELETE");
            List<Fault> faults = methods.stream()
                    .map(method -> Fault.of(failure, method, "/v1/")
                            .times(times)
                            .hangFor(Duration.ofMillis(300))
                            .forKey(r.world.emulator.apiKey()))
                    .toList();
            int from = r.world.emulator.requestLog().size();
            faults.forEach(r.world.emulator::addFault);
            r.stripeFaults = faults;
            try {
                then.run(r);
                // What billing does in the background next (a re-fetch, a seat update) meets what is left of them.
                r.settle();
            } finally {
                r.withdrawFaults();
            }
            List<String> hit = r.world.emulator.requestLog().stream()
                    .skip(from)
                    .filter(request -> request.fault() != null)
                    .map(request -> request.method() + " " + request.path() + " " + request.status())
                    .toList();
            System.out.println("invariant sequence " + r.id + ": Stripe's " + failure.wireName() + " hit " + hit);
        }

        @Override
        public String toString() {
            return "Stripe fails billing's next " + times + (reads ? " request(s)" : " write(s) of each method")
                    + " with "
                    + KINDS.get(Math.floorMod(kind, KINDS.size())).wireName() + " while " + then;
        }
    }

    /**
     * The store ends the connections of billing's next {@code times} writes of a kind in the middle of their statements
     * while a party does {@code then} (billing's own, or on Supabase PostgREST's), as a failover or a restart of Postgres
     * would ({@link World#dropAWriter}). The party gets what billing makes of it (its answer, or 503 {@code
     * store_unavailable}: never a 500); a Stripe webhook refused meanwhile is delivered again, and an event whose batch
     * was not marked done is processed again once its lease runs out; once the step's consequences have landed every
     * invariant must hold: nothing Stripe did is lost from the projection, nothing is made twice, no notice goes out
     * twice.
     */
    record StoreFails(int times, Writes writes, Step then) implements Step {
        /** Which writes end. */
        enum Writes {
            /** The audit trail's, which every change of the projection writes in its transaction. */
            AUDIT("audit-trail"),
            /** The webhook inbox's records of deliveries: Stripe is answered 503 and delivers again. */
            DELIVERIES("delivery-record"),
            /** The webhook inbox's other writes: claims, marks of done or failed, notices marked, redactions. */
            INBOX_WORK("inbox (not a delivery's record)");

            final String said;

            Writes(String said) {
                this.said = said;
            }
        }

        /** How long the inbox's faults outlast the step's requests, for the work on its events. */
        static final Duration INBOX_FAULTS_LINGER = Duration.ofSeconds(3);

        StoreFails(int times, Step then) {
            this(times, Writes.AUDIT, then);
        }

        @Override
        public Step acting() {
            return then.acting();
        }

        @Override
        public void run(Run r) {
            AtomicBoolean dropping = new AtomicBoolean(true);
            AtomicInteger dropped = new AtomicInteger();
            AtomicReference<Throwable> broke = new AtomicReference<>();
            // The store fails while the step's requests run: the next write of billing's that comes, each time.
            Thread dropper = new Thread(
                    () -> {
                        try {
                            while (dropping.get() && dropped.get() < times) {
                                if (r.world.dropAWriter(Duration.ofMillis(200), dropping::get, writes)) {
                                    dropped.incrementAndGet();
                                }
                            }
                        } catch (Throwable t) {
                            broke.set(t);
                        }
                    },
                    "invariants-store-dropper");
            r.storeFaults = dropping;
            dropper.start();
            try {
                then.run(r);
                if (writes == Writes.INBOX_WORK) {
                    // Most of the work on the step's events comes after its requests answered: the faults stay a
                    // while for it, ending once they all happened.
                    long until = System.nanoTime() + INBOX_FAULTS_LINGER.toNanos();
                    while (dropper.isAlive() && System.nanoTime() < until) {
                        LockSupport.parkNanos(10_000_000);
                    }
                }
            } finally {
                r.withdrawFaults();
                try {
                    dropper.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
                r.storeFaults = null;
            }
            if (broke.get() != null) {
                throw new AssertionError("the store could not be made to fail", broke.get());
            }
            System.out.println("invariant sequence " + r.id + ": the store ended " + dropped.get() + " of billing's "
                    + writes.said + " writes mid-statement");
        }

        @Override
        public String toString() {
            return "the store ends billing's next " + times + " " + writes.said + " write(s) mid-statement while "
                    + then;
        }
    }

    /** Stripe's deliveries from here on come twice, or each transaction's events in reverse order, or neither. */
    record WebhookChaos(boolean duplicate, boolean reorder) implements Step {
        @Override
        public void run(Run r) {
            r.world.emulator.webhooks().duplicate(duplicate ? 2 : 1).reorder(reorder);
        }

        @Override
        public String toString() {
            return "Stripe's webhooks from now: " + (duplicate ? "duplicated" : "once") + ", "
                    + (reorder ? "reordered" : "in order");
        }
    }

    /**
     * Up to {@code count} members who are not in the organization join at once (Clerk's deliveries arrive
     * concurrently): the seat updates they cause must only rise (checked once they have landed).
     */
    record JoinTogether(int count) implements Step {
        @Override
        public void run(Run r) {
            List<Run.ClerkDelivery> joins = new ArrayList<>();
            for (String id : r.memberIds) {
                boolean active = r.members.containsKey(id) && r.members.get(id).active();
                boolean erased = r.parties.stream().anyMatch(p -> p.account.equals(id) && p.erased);
                if (!active && !erased && joins.size() < count) {
                    joins.add(r.membershipEvent(id, true, 0));
                }
            }
            if (joins.size() < 2) {
                joins.forEach(r::deliverClerk);
                return;
            }
            r.joinsFrom = r.world.emulator.requestLog().size();
            java.util.concurrent.ExecutorService senders =
                    java.util.concurrent.Executors.newFixedThreadPool(joins.size());
            try {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (Run.ClerkDelivery join : joins) {
                    sent.add(senders.submit(() -> {
                        start.await();
                        r.deliverClerk(join);
                        return null;
                    }));
                }
                start.countDown();
                for (java.util.concurrent.Future<?> f : sent) {
                    f.get(2, java.util.concurrent.TimeUnit.MINUTES);
                }
            } catch (Exception e) {
                throw new AssertionError("members joining together: " + e, e);
            } finally {
                senders.shutdownNow();
            }
        }

        @Override
        public String toString() {
            return "Clerk: up to " + count + " members join at once";
        }
    }

    /** Clerk says a member joined the organization or left it, maybe late (an older change arriving now). */
    record Membership(int member, boolean joined, boolean late) implements Step {
        @Override
        public void run(Run r) {
            String id = r.memberIds.get(Math.floorMod(member, r.memberIds.size()));
            boolean erased = r.parties.stream().anyMatch(p -> p.account.equals(id) && p.erased);
            if (erased && joined) {
                return; // an erased person does not come back; Clerk may still report their leaving
            }
            r.membership(id, joined, late ? 4 : 0);
        }

        @Override
        public String toString() {
            return "Clerk: member " + member + (joined ? " joined" : " left") + (late ? " (delivered late)" : "");
        }
    }

    /** Stripe or Clerk delivers one of the sequence's earlier events again. */
    record Redeliver(int event, boolean clerk) implements Step {
        @Override
        public void run(Run r) {
            if (clerk) {
                if (!r.clerkDeliveries.isEmpty()) {
                    r.deliverClerk(r.clerkDeliveries.get(Math.floorMod(event, r.clerkDeliveries.size())));
                }
                return;
            }
            List<String> events = r.stripeEvents();
            if (!events.isEmpty()) {
                r.redeliverStripe(events.get(Math.floorMod(event, events.size())));
            }
        }

        @Override
        public String toString() {
            return (clerk ? "Clerk" : "Stripe") + " redelivers event #" + event;
        }
    }

    /** An admin replays one of the sequence's stored events. */
    record Replay(int event, boolean clerk) implements Step {
        @Override
        public void run(Run r) {
            String id;
            if (clerk) {
                id = r.clerkDeliveries.isEmpty()
                        ? null
                        : r.clerkDeliveries
                                .get(Math.floorMod(event, r.clerkDeliveries.size()))
                                .svixId();
            } else {
                List<String> events = r.stripeEvents();
                id = events.isEmpty() ? null : events.get(Math.floorMod(event, events.size()));
            }
            if (id != null) {
                r.admin("POST", "/admin/webhook-events/" + id + "/replay", null, Map.of());
            }
        }

        @Override
        public String toString() {
            return "an admin replays " + (clerk ? "Clerk" : "Stripe") + " event #" + event;
        }
    }

    /**
     * An operator starts the move off Supabase while the server still runs (docs/MIGRATION.md: copy while it runs,
     * stop writes before a second pass): a pass of {@code migrate-supabase}, so many records a page, into the
     * sequence's Postgres copy; or the same pass stopped (the core's engine, cut at the call after its {@code cut}-th
     * page saved within a type), which the next pass resumes. The steps after it change Supabase again, erasures and
     * retention included, and the move after the last step ({@link StoreMove}) must catch up on all of it. Supabase
     * only.
     */
    record MovePass(int batch, int cut) implements Step {
        static final List<Integer> CHOICES = List.of(2, 50, 500);

        @Override
        public void run(Run r) {
            if (r.world.store.equals("supabase")) {
                StoreMove.passWhileServing(r, CHOICES.get(Math.floorMod(batch, CHOICES.size())), Math.max(cut, 0));
            }
        }

        @Override
        public String toString() {
            return "a pass of migrate-supabase copies the store to Postgres while the server runs, "
                    + CHOICES.get(Math.floorMod(batch, CHOICES.size())) + " records a page"
                    + (cut > 0 ? ", stopped after its page " + cut + " within a type" : "");
        }
    }

    /**
     * A deploy: {@code serve} stopped (requests drained, work finished) and another started on the same store. What
     * the old process kept in memory is gone; everything the invariants look at must not depend on it. With {@code
     * during}, a change that makes Stripe send webhooks comes first and the deploy begins while they are on their way:
     * they land on the old process as it drains (answered, or refused and sent again), or, {@code held}, Stripe holds
     * them until the old process stopped and sends them while none listens, so that only its retries reach the new one.
     */
    record Restart(Step during, boolean held) implements Step {
        Restart() {
            this(null, false);
        }

        @Override
        public void run(Run r) {
            if (during == null) {
                r.world.restartServer();
                return;
            }
            WebhookControls deliveries = r.world.emulator.webhooks();
            int from = deliveries.log().size();
            if (held) {
                deliveries.pause();
            }
            try {
                during.run(r);
            } finally {
                r.world.restartServer(held ? deliveries::resume : () -> {});
            }
            r.settle();
            List<DeliveryAttempt> met = deliveries.log().stream().skip(from).toList();
            System.out.println("invariant sequence " + r.id + ": the deploy met " + met.size() + " delivery attempts, "
                    + met.stream().filter(a -> !a.succeeded()).count() + " of them refused or unanswered");
        }

        @Override
        public Step acting() {
            return during == null ? this : during.acting();
        }

        @Override
        public String toString() {
            return during == null
                    ? "serve is restarted (a deploy)"
                    : during + "; serve is restarted while Stripe " + (held ? "holds" : "sends") + " the webhooks"
                            + (held ? ", sent while no process listens" : "");
        }
    }

    /** The party (or an admin for it) exports its personal data; the export must hold every row about it. */
    record Export(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (!gone(p)) {
                // The user's own request (their verified email finds what they bought as a guest); the
                // organization's, an admin's.
                JsonNode export = p.org
                        ? r.adminGet("/admin/users/" + p.account + "/export").json()
                        : r.get(p, "/me/export").json();
                Invariants.exportIsComplete(r, p, export);
            }
        }

        @Override
        public String toString() {
            return who(party) + "'s data is exported";
        }
    }

    /**
     * An admin reconciles the party with Stripe; then, when {@code then} is given, an operator changes it at Stripe at
     * once, usually within the second the reconcile's reads were stamped in (the emulator's clock runs with the
     * wall's). A store whose events are applied from their payloads must not refuse that change's event as older
     * than the read (DESIGN §4.3).
     */
    record Reconcile(int party, AccountSteps.AtStripe then) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            Http.Response answer = r.admin("POST", "/admin/reconcile", "{\"userId\":\"" + p.account + "\"}", Map.of());
            if (answer.status() != 200 && !"customer_not_found".equals(answer.errorCode())) {
                throw new AssertionError("the reconcile answered " + answer.status() + ": " + answer.body());
            }
            if (then != null) {
                then.run(r);
            }
        }

        @Override
        public String toString() {
            return "an admin reconciles " + who(party) + (then == null ? "" : "; at once, " + then);
        }
    }

    /** The user erases themselves ("forget me"), or an admin erases them. */
    record Erase(int party, boolean byAdmin) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            // Stripe or the store failing part of it, the person asks again once they are back, which must finish it.
            Http.Response answer = r.askedAgainWhenBack(() -> byAdmin
                    ? r.admin(
                            "DELETE",
                            "/admin/users/" + p.account + "?confirm=true&email=" + Run.encode(p.email),
                            null,
                            Map.of())
                    : r.answered("DELETE /me", r.world.http().delete("/me?confirm=true", r.token(p))));
            if (answer.status() != 200) {
                throw new AssertionError("erasing " + p + " answered " + answer.status() + ": " + answer.body());
            }
            p.erased = true;
            r.world.erased(p);
        }

        @Override
        public String toString() {
            return user(party) + " is erased" + (byAdmin ? " by an admin" : "");
        }
    }
}
