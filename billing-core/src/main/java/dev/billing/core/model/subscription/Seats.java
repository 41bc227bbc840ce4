package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;

/**
 * The seats of a per-seat plan: how many are paid for, and how many are taken ({@code used}: the organization's
 * members, null where they are not known).
 */
public record Seats(long purchased, Long used) {
    public Seats {
        Checks.nonNegative(purchased, "purchased");
        if (used != null) {
            Checks.nonNegative(used, "used");
        }
    }

    /** More members than seats paid for. */
    public boolean overLimit() {
        return used != null && used > purchased;
    }
}
