package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.postgres.PersonalDataScan;
import java.util.ArrayList;
import java.util.List;

/**
 * Personal data, found by scanning the store's schema ({@link PersonalDataScan}: every text and JSON column of every
 * table, not a list of what the code is known to write): an erased person appears nowhere, and an export holds every
 * row about its party.
 */
final class PersonalDataInvariants {
    private PersonalDataInvariants() {}

    /** After an erasure, the person's user id, email and name appear in no text or JSON column of any table. */
    static void erasedAppearNowhere(World world) {
        List<String> needles = world.erasedIdentities();
        if (needles.isEmpty()) {
            return;
        }
        List<PersonalDataScan.Finding> found = world.scan().find(needles);
        if (!found.isEmpty()) {
            throw new AssertionError("erased personal data is still stored: " + found);
        }
    }

    /**
     * The export holds every row of every table that names the party: its account id, its Stripe customer or its
     * email. An organization's export is its billing account's: its members' Clerk events and membership records
     * name the organization too, but they are each member's, and each member's export holds them.
     */
    static void exportHoldsEveryRow(Run r, Party p, JsonNode export) {
        List<String> needles = new ArrayList<>(List.of(p.account));
        if (r.customer(p) != null) {
            needles.add(p.customerId);
        }
        needles.addAll(p.retiredCustomers);
        if (p.email != null) {
            needles.add(p.email);
        }
        String exported = export.toString();
        List<String> missing = r.world.exportScan().find(needles).stream()
                .filter(f -> !(p.org && membersOwn(f)))
                .filter(f -> !f.representedIn(exported))
                .map(Object::toString)
                .toList();
        if (!missing.isEmpty()) {
            throw new AssertionError(p + "'s export misses rows of the store that name it: " + missing);
        }
    }

    /** A membership record, or a Clerk event (its id is Svix's {@code msg_...}): a member's row, not the account's. */
    private static boolean membersOwn(PersonalDataScan.Finding f) {
        return f.table().endsWith("org_members")
                || f.key().values().stream().anyMatch(v -> v != null && v.startsWith("msg_"));
    }
}
