package dev.billing.server.invariants;

import com.stripe.model.Subscription;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.port.UsageLedger;
import dev.billing.emulator.RecordedRequest;
import dev.billing.testkit.Pages;
import dev.billing.testkit.http.Http;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Usage billed through Stripe's meter: what the test counts when the API accepts usage of the meter that reports to
 * Stripe ({@code api_calls}, the plans file's {@code stripeEventName}), and the invariant that holds it against the
 * meter events Stripe accepted. The model knows from Stripe's own subscriptions, not from the server, whether the
 * account's plan was billing it: an active or trialing subscription surely (usage is reported), a past-due one
 * perhaps (the server's grace period runs on its clock, the subscription's period on Stripe's), none not at all.
 */
final class MeteredUsage {
    static final String METER = "api_calls";
    static final String METER_EVENTS = "/v1/billing/meter_events";

    private MeteredUsage() {}

    /**
     * Adds the usage an answer to {@code POST /usage} counted ({@code 200}, not replayed) to the party's model, as
     * reported to Stripe surely, perhaps or not at all, by what Stripe holds of the party's subscriptions now.
     */
    static void counted(Run r, Party p, String meter, long amount, Http.Response answer) {
        if (!METER.equals(meter)
                || answer.status() != 200
                || answer.json().path("replayed").asBoolean()) {
            return;
        }
        String customer = r.customer(p);
        if (customer == null) {
            return; // no customer, no report: the usage is counted against the quota only
        }
        List<Subscription> subscriptions = new StripeTruth(r.world).subscriptions(customer);
        if (subscriptions.stream().anyMatch(s -> Set.of("active", "trialing").contains(s.getStatus()))) {
            p.meteredSurely += amount;
        } else if (subscriptions.stream().anyMatch(s -> "past_due".equals(s.getStatus()))) {
            p.meteredPerhaps += amount;
        }
    }

    /**
     * I: per party, the usage Stripe's meter accepted plus what waits in the outbox (a report Stripe refused for now,
     * or not yet due again) is at least the usage counted while the plan surely reported it, and at most that plus
     * the usage counted while it perhaps did. A report lost, sent under an identifier Stripe already holds (so Stripe
     * counts it as the old one), or sent twice under two identifiers breaks it.
     */
    static void reachesStripe(Run r) {
        // The outbox before Stripe's log: the worker may send a report meanwhile (a retry that came due), and Stripe
        // logs it before the worker marks it sent, so read the other way round it would be in neither.
        List<MeterReport> outbox = reports(r.world.stores().usage());
        Map<String, Long> accepted = new HashMap<>();
        Set<String> identifiers = new HashSet<>();
        for (RecordedRequest q : r.world.emulator.requestLog()) {
            if (!q.method().equals("POST") || !q.path().equals(METER_EVENTS) || q.status() != 200) {
                continue;
            }
            identifiers.add(String.valueOf(q.params().get("identifier")));
            if (METER.equals(q.params().get("event_name")) && q.params().get("payload") instanceof Map<?, ?> payload) {
                accepted.merge(
                        String.valueOf(payload.get("stripe_customer_id")),
                        Long.parseLong(String.valueOf(payload.get("value"))),
                        Long::sum);
            }
        }
        Map<String, Long> waiting = new HashMap<>();
        for (MeterReport report : outbox) {
            // Sent but not yet marked so: Stripe's request log has it already.
            if (report.reportedAt() == null
                    && !identifiers.contains(report.identifier())
                    && report.event().eventName().equals(METER)) {
                waiting.merge(
                        report.event().customerId().value(), report.event().value(), Long::sum);
            }
        }
        for (Party p : r.parties) {
            if (p.erased || p.customerId == null) {
                continue;
            }
            long atStripe = accepted.getOrDefault(p.customerId, 0L);
            long unsent = waiting.getOrDefault(p.customerId, 0L);
            if (atStripe + unsent < p.meteredSurely || atStripe + unsent > p.meteredSurely + p.meteredPerhaps) {
                throw new AssertionError(p + "'s " + METER + " usage: the API counted " + p.meteredSurely
                        + " while a plan billed it (and " + p.meteredPerhaps + " while past due), but Stripe's meter"
                        + " accepted " + atStripe + " and " + unsent + " waits in the outbox; its reports "
                        + outbox.stream()
                                .filter(m -> m.event().customerId().value().equals(p.customerId))
                                .toList()
                        + "; Stripe's answers to them "
                        + r.world.emulator.requestLog().stream()
                                .filter(q -> q.path().equals(METER_EVENTS))
                                .map(q -> q.at() + " " + q.status() + " "
                                        + q.params().get("identifier"))
                                .toList());
            }
        }
    }

    /** Every meter report the store holds, sent or not. */
    static List<MeterReport> reports(UsageLedger usage) {
        return Pages.all(usage::listReports, 500);
    }

    /** Every usage counter the store holds. */
    static List<UsageCounter> counters(UsageLedger usage) {
        return Pages.all(usage::listCounters, 500);
    }
}
