package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.currentPeriodEnd;
import static dev.billing.emulator.service.SubscriptionShape.currentPeriodStart;
import static dev.billing.emulator.service.SubscriptionShape.itemPrice;
import static dev.billing.emulator.service.SubscriptionShape.itemsOf;
import static dev.billing.emulator.service.SubscriptionShape.pendingLines;
import static dev.billing.emulator.service.SubscriptionShape.recurringOf;
import static dev.billing.emulator.service.SubscriptionShape.setPeriod;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end of a subscription's current period: a trial converting to paid, or a renewal. Both move
 * the items to the next period of the billing cycle and invoice it (with the past period's metered
 * usage and pending prorations). Reached through the clock, or at once by {@code trial_end=now}.
 */
public final class Renewals {
    private final EmulatorState s;
    private final InvoiceLines lines;
    private final Invoicing invoicing;

    public Renewals(EmulatorState state, InvoiceLines lines, Invoicing invoicing) {
        this.s = state;
        this.lines = lines;
        this.invoicing = invoicing;
    }

    /**
     * Starts the next period, emitting {@code customer.subscription.updated} and the invoice's
     * events. Periods are computed from the billing cycle anchor, so Jan 31 renews on Feb 28, then
     * on Mar 31, instead of drifting.
     */
    void endPeriod(Map<String, Object> sub) {
        Map<String, Object> customer = s.store.get((String) sub.get("customer"));
        Map<String, Object> before = Json.deepCopy(sub);
        boolean wasTrial = "trialing".equals(sub.get("status"));
        long prevStart = currentPeriodStart(sub);
        long prevEnd = currentPeriodEnd(sub);
        long cycle = (Long) sub.get("_cycle") + 1;
        long[] next = nextPeriod(sub);
        long newStart = next[0];
        long newEnd = next[1];
        sub.put("_cycle", cycle);
        if (wasTrial) {
            sub.put("status", "active");
        }
        String invoiceId = Ids.next("in");
        List<Map<String, Object>> invoiceLines = new ArrayList<>();
        // Usage of the period that just ended (not billed for a trial period).
        if (!wasTrial) {
            invoiceLines.addAll(lines.usageLines(invoiceId, sub, prevStart, prevEnd));
        }
        setPeriod(sub, newStart, newEnd);
        invoiceLines.addAll(lines.cycleLines(invoiceId, sub, newStart, newEnd));
        invoiceLines.addAll(lines.takePending(sub, invoiceId));
        Map<String, Object> invoice =
                invoicing.newInvoice(invoiceId, customer, sub, "subscription_cycle", invoiceLines, prevStart, prevEnd);
        sub.put("latest_invoice", invoiceId);
        s.emitUpdated("customer.subscription.updated", before, sub);
        invoicing.collect(invoice, sub, customer, !"send_invoice".equals(sub.get("collection_method")));
    }

    /**
     * What {@link #endPeriod} will invoice, as {@code invoice.upcoming} previews it: the next period's
     * licensed items, the usage of the running period so far (none for a trial), the pending
     * prorations; changes nothing.
     */
    Map<String, Object> upcomingInvoice(Map<String, Object> sub) {
        Map<String, Object> customer = s.store.get((String) sub.get("customer"));
        long start = currentPeriodStart(sub);
        long end = currentPeriodEnd(sub);
        long[] next = nextPeriod(sub);
        List<Map<String, Object>> invoiceLines = new ArrayList<>();
        if (!"trialing".equals(sub.get("status"))) {
            invoiceLines.addAll(lines.usageLines(null, sub, start, Math.min(end, s.now())));
        }
        invoiceLines.addAll(lines.cycleLines(null, sub, next[0], next[1]));
        for (Map<String, Object> pending : pendingLines(sub)) {
            Map<String, Object> copy = Json.deepCopy(pending);
            copy.put("invoice", null);
            invoiceLines.add(copy);
        }
        return invoicing.upcoming(customer, sub, invoiceLines, start, end, end);
    }

    /**
     * The period after the current one, from the billing cycle anchor, so Jan 31 renews on Feb 28,
     * then on Mar 31, instead of drifting.
     */
    private static long[] nextPeriod(Map<String, Object> sub) {
        long cycle = (Long) sub.get("_cycle") + 1;
        long anchor = (Long) sub.get("_anchor");
        Map<String, Object> rec = recurringOf(itemPrice(itemsOf(sub).get(0)));
        String interval = (String) rec.get("interval");
        long count = (Long) rec.get("interval_count");
        return new long[] {
            Periods.plus(anchor, interval, count, cycle), Periods.plus(anchor, interval, count, cycle + 1)
        };
    }
}
