package dev.billing.testkit.fake;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MembershipStore} in memory, keyed by organization and user; fails while its {@link StoreSwitch} is down.
 * Thread-safe.
 */
public final class InMemoryMembershipStore implements MembershipStore {
    private final Map<String, OrgMember> members = new ConcurrentHashMap<>();
    private final StoreSwitch storeSwitch;

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
    public boolean apply(OrgMember change) {
        storeSwitch.check();
        boolean[] wrote = {false};
        members.compute(key(change.orgId(), change.userId()), (k, stored) -> {
            if (stored == null || change.supersedes(stored)) {
                wrote[0] = true;
                return change;
            }
            return stored;
        });
        return wrote[0];
    }

    @Override
    public long countActive(String orgId) {
        storeSwitch.check();
        return members.values().stream().filter(m -> m.active() && m.orgId().equals(orgId)).count();
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
    public boolean restore(OrgMember member) {
        storeSwitch.check();
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
        int moved = 0;
        for (OrgMember m : List.copyOf(members.values())) {
            if (m.userId().equals(user)) {
                members.remove(key(m.orgId(), user));
                members.put(key(m.orgId(), pseudonym), new OrgMember(m.orgId(), pseudonym, m.role(), m.active(),
                        m.changedAt(), m.eventId()));
                moved++;
            }
        }
        return moved;
    }
}
