package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.port.GuestPurchaseStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GuestPurchaseStore} in memory; fails while its {@link StoreSwitch} is down. Thread-safe. A claim moves the
 * purchases in the {@link InMemorySubscriptionStore} it was made with, under this store's lock.
 */
public final class InMemoryGuestPurchaseStore implements GuestPurchaseStore {
    private final Map<String, GuestPurchase> purchases = new LinkedHashMap<>();
    private final StoreSwitch storeSwitch;
    private final InMemorySubscriptionStore subscriptions;

    public InMemoryGuestPurchaseStore() {
        this(new StoreSwitch(), new InMemorySubscriptionStore());
    }

    InMemoryGuestPurchaseStore(StoreSwitch storeSwitch, InMemorySubscriptionStore subscriptions) {
        this.storeSwitch = storeSwitch;
        this.subscriptions = subscriptions;
    }

    @Override
    public synchronized boolean record(GuestPurchase purchase) {
        storeSwitch.check();
        return purchases.putIfAbsent(purchase.sessionId(), purchase) == null;
    }

    @Override
    public synchronized List<GuestPurchase> claim(String email, UserId user, Instant at) {
        storeSwitch.check();
        String normalised = GuestPurchase.normalise(email);
        List<GuestPurchase> held = new ArrayList<>();
        for (GuestPurchase p : List.copyOf(purchases.values())) {
            if (!p.email().equals(normalised)) {
                continue;
            }
            if (p.claimedBy() == null) {
                p = p.claimed(user, at);
                purchases.put(p.sessionId(), p);
            }
            if (p.claimedBy().equals(user)) {
                held.add(p);
            }
        }
        return held;
    }

    @Override
    public synchronized List<GuestPurchase> claim(
            String email, UserId user, CustomerId customer, Instant at, AuditCause cause) {
        List<GuestPurchase> held = claim(email, user, at);
        for (GuestPurchase p : held) {
            subscriptions.movePurchase(p.sessionId(), customer, cause);
        }
        return held;
    }

    @Override
    public synchronized List<GuestPurchase> ofEmail(String email) {
        storeSwitch.check();
        String normalised = GuestPurchase.normalise(email);
        return purchases.values().stream()
                .filter(p -> p.email().equals(normalised))
                .toList();
    }

    @Override
    public synchronized List<GuestPurchase> claimedBy(UserId user) {
        storeSwitch.check();
        return purchases.values().stream()
                .filter(p -> user.equals(p.claimedBy()))
                .toList();
    }

    @Override
    public synchronized int pseudonymise(UserId user, String email, UserId pseudonym) {
        storeSwitch.check();
        String normalised = email == null ? null : GuestPurchase.normalise(email);
        String erased = GuestPurchaseStore.erasedEmail(pseudonym);
        int changed = 0;
        for (GuestPurchase p : List.copyOf(purchases.values())) {
            boolean claimed = user.equals(p.claimedBy());
            if (claimed || p.claimedBy() == null && p.email().equals(normalised)) {
                purchases.put(
                        p.sessionId(),
                        new GuestPurchase(
                                p.sessionId(),
                                erased,
                                p.priceId(),
                                p.quantity(),
                                p.currency(),
                                p.amountTotal(),
                                p.customerId(),
                                p.purchasedAt(),
                                claimed ? pseudonym : null,
                                p.claimedAt()));
                changed++;
            }
        }
        return changed;
    }

    @Override
    public synchronized Page<GuestPurchase> list(String cursor, int limit) {
        storeSwitch.check();
        List<GuestPurchase> sorted = new ArrayList<>(purchases.values());
        sorted.sort(Comparator.comparing(GuestPurchase::sessionId));
        return Cursors.page(sorted, GuestPurchase::sessionId, cursor, limit);
    }

    @Override
    public synchronized long count() {
        storeSwitch.check();
        return purchases.size();
    }

    @Override
    public synchronized boolean restore(GuestPurchase purchase) {
        storeSwitch.check();
        return !purchase.equals(purchases.put(purchase.sessionId(), purchase));
    }

    @Override
    public synchronized boolean remove(String sessionId) {
        storeSwitch.check();
        return purchases.remove(sessionId) != null;
    }
}
