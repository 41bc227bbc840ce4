package dev.billing.server.invariants;

import java.util.ArrayList;
import java.util.List;

/**
 * One billing account of a sequence: a user (signed in with a verified email) or the sequence's organization (acted
 * for by its admin, party 0). What the sequence learned about it: its Stripe customer, the Checkout sessions it
 * started, the guest sessions it paid with its email, its customers deleted at Stripe, and whether it was erased (an erased party takes no more
 * steps: it is gone, and whatever names it is checked never to come back).
 */
final class Party {
    final int index;
    final String account;
    final String email;
    final String name;
    final boolean org;
    final List<String> sessions = new ArrayList<>();
    final List<String> guestSessions = new ArrayList<>();
    /** Sessions the test paid (or tried to): the others are still open, to be paid late or abandoned. */
    final java.util.Set<String> tried = new java.util.HashSet<>();
    /** The guest purchases (by Checkout session) the API said this user claimed: they are this user's purchases now. */
    final java.util.Set<String> claimed = new java.util.LinkedHashSet<>();

    String customerId;
    /** Its customers deleted at Stripe, oldest first: billing retired their links, and its next checkout made another. */
    final List<String> retiredCustomers = new ArrayList<>();

    boolean erased;
    /**
     * The usage of the meter billed through Stripe that the API counted while a plan surely billed it
     * ({@link MeteredUsage}).
     */
    long meteredSurely;
    /** ... and while it perhaps did (the plan past due). */
    long meteredPerhaps;

    /** The charges of its customer the checks have seen ({@link Cards}). */
    final java.util.Set<String> chargesSeen = new java.util.HashSet<>();
    /** Whether a check has seen its customer, and so {@link #payingCard} and {@link #liveSubscriptions} are known. */
    boolean cardsKnown;
    /** The card the API listed as the one that pays, at the last check (null: none). */
    String payingCard;
    /** Its subscriptions Stripe could still charge, at the last check. */
    int liveSubscriptions;

    Party(int index, String account, String email, String name, boolean org) {
        this.index = index;
        this.account = account;
        this.email = email;
        this.name = name;
        this.org = org;
    }

    /** The routes of this account: the caller's own, or the organization's under {@code /orgs/{id}}. */
    String route(String path) {
        return org ? "/orgs/" + account + path : path;
    }

    @Override
    public String toString() {
        return org ? "org" : "user" + index;
    }
}
