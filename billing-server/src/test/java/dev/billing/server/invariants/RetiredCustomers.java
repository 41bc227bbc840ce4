package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Subscription;
import java.util.ArrayList;
import java.util.List;

/** The party's customers deleted at Stripe ({@link StripeSide#deleteCustomer}), after every step. */
final class RetiredCustomers {
    private RetiredCustomers() {}

    /**
     * A customer deleted at Stripe stays the party's retired customer: its export lists it (under the id the link is
     * kept under), Stripe holds no live subscription of it, and the party's customer now, if any, is another.
     */
    static void stayRetired(Run r, Party p, StripeTruth stripe) {
        if (p.retiredCustomers.isEmpty()) {
            return;
        }
        JsonNode export = r.adminGet("/admin/users/" + p.account + "/export").json();
        List<String> listed = new ArrayList<>();
        for (JsonNode retired : export.path("retiredCustomers")) {
            listed.add(retired.path("customerId").asText());
            if (!retired.path("retiredUserId").asText().startsWith(p.account + "~deleted_")) {
                throw new AssertionError(p + "'s retired customer is kept under another account: " + retired);
            }
        }
        if (!listed.equals(p.retiredCustomers)) {
            throw new AssertionError(p + "'s customers deleted at Stripe are " + p.retiredCustomers
                    + ", but its export lists " + listed + " as retired");
        }
        if (p.retiredCustomers.contains(p.customerId)) {
            throw new AssertionError(p + " is still linked to its deleted customer " + p.customerId);
        }
        for (String retired : p.retiredCustomers) {
            List<String> live = stripe.subscriptions(retired).stream()
                    .filter(StripeTruth::live)
                    .map(Subscription::getId)
                    .toList();
            if (!live.isEmpty()) {
                throw new AssertionError(p + "'s deleted customer " + retired + " has live subscriptions " + live);
            }
        }
    }
}
