package dev.billing.testkit.fake;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MembershipStore} in memory, keyed by organization and user, found by membership id first; fails while its
 * {@link StoreSwitch} is down. Thread-safe: writes take the store's lock, so each is one atomic step.
 */
public final class InMemoryMembershipStore implements MembershipStore {
    private final Map<String, OrgMember> members = new ConcurrentHashMap<>();
    /** Seat leases by customer: holder and until when. */
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    private final StoreSwitch storeSwitch;

    private record Lease(String holder, Instant until) {}

    public InMemoryMembershipStore() {
        this(new StoreSwitch());
    }

    InMemoryMembershipStore(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    private static String key(String orgId, UserId userId) {
        return orgId + "\u0000" + userId.value();
    }

    @Override
    public synchronized boolean apply(OrgMember change) {
        storeSwitch.check();
        OrgMember stored = about(change);
        if (stored == null) {
            members.put(key(change.orgId(), change.userId()), change);
            return true;
        }
        if (!change.supersedes(stored)) {
            return false;
        }
        members.put(key(stored.orgId(), stored.userId()), change.onto(stored));
        return true;
    }

    /** The record a change is about: by membership id, else by organization and user, else user's pseudonym. */
    private OrgMember about(OrgMember change) {
        if (change.membershipId() != null) {
            for (OrgMember m : members.values()) {
                if (change.membershipId().equals(m.membershipId())) {
                    return m;
                }
            }
        }
        OrgMember own = members.get(key(change.orgId(), change.userId()));
        return own != null
                ? own
                : members.get(key(change.orgId(), change.userId().pseudonym()));
    }

    @Override
    public long countActive(String orgId) {
        storeSwitch.check();
        return members.values().stream()
                .filter(m -> m.active() && m.orgId().equals(orgId))
                .count();
    }

    @Override
    public Optional<OrgMember> find(String orgId, UserId userId) {
        storeSwitch.check();
        return Optional.ofNullable(members.get(key(orgId, userId)));
    }

    @Override
    public Page<OrgMember> list(String cursor, int limit) {
        storeSwitch.check();
        List<OrgMember> sorted = new ArrayList<>(members.values());
        sorted.sort(Comparator.comparing(m -> key(m.orgId(), m.userId())));
        return Cursors.page(sorted, m -> key(m.orgId(), m.userId()), cursor, limit);
    }

    @Override
    public long count() {
        storeSwitch.check();
        return members.size();
    }

    @Override
    public synchronized boolean restore(OrgMember member) {
        storeSwitch.check();
        if (member.membershipId() != null) {
            members.values()
                    .removeIf(m -> member.membershipId().equals(m.membershipId())
                            && !(m.orgId().equals(member.orgId()) && m.userId().equals(member.userId())));
        }
        return !member.equals(members.put(key(member.orgId(), member.userId()), member));
    }

    @Override
    public boolean remove(String orgId, UserId userId) {
        storeSwitch.check();
        return members.remove(key(orgId, userId)) != null;
    }

    @Override
    public synchronized int pseudonymise(UserId user, UserId pseudonym) {
        storeSwitch.check();
        if (user.equals(pseudonym)) {
            return 0;
        }
        int moved = 0;
        for (OrgMember m : List.copyOf(members.values())) {
            if (m.userId().equals(user)) {
                members.remove(key(m.orgId(), user));
                OrgMember renamed = m.withUser(pseudonym);
                // Where the pseudonym has a record in the organization already, the superseding one stays.
                members.merge(
                        key(m.orgId(), pseudonym),
                        renamed,
                        (kept, incoming) -> incoming.supersedes(kept) ? incoming.onto(kept) : kept);
                moved++;
            }
        }
        return moved;
    }

    @Override
    public synchronized boolean leaseSeats(String customerId, String holder, Instant now, Instant until) {
        storeSwitch.check();
        Lease held = leases.get(customerId);
        if (held != null && !held.holder().equals(holder) && !held.until().isBefore(now)) {
            return false;
        }
        leases.put(customerId, new Lease(holder, until));
        return true;
    }

    @Override
    public synchronized boolean renewSeats(String customerId, String holder, Instant until) {
        storeSwitch.check();
        Lease held = leases.get(customerId);
        if (held == null || !held.holder().equals(holder)) {
            return false;
        }
        leases.put(customerId, new Lease(holder, until));
        return true;
    }

    /** Until when the customer's seat lease is held; empty when nobody holds it (a test's view of a renewal). */
    public synchronized Optional<Instant> seatLeaseUntil(String customerId) {
        return Optional.ofNullable(leases.get(customerId)).map(Lease::until);
    }

    @Override
    public synchronized void releaseSeats(String customerId, String holder) {
        storeSwitch.check();
        leases.computeIfPresent(customerId, (k, held) -> held.holder().equals(holder) ? null : held);
    }
}
