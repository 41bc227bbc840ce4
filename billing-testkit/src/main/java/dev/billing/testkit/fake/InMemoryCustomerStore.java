package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.CustomerStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CustomerStore} in memory, unique on user and on customer. Thread-safe.
 *
 * <p>Usage: {@code CustomerStore customers = new InMemoryCustomerStore();}
 */
public final class InMemoryCustomerStore implements CustomerStore {
    private final Map<UserId, CustomerLink> byUser = new HashMap<>();
    private final Map<CustomerId, CustomerLink> byCustomer = new HashMap<>();
    private final StoreSwitch storeSwitch;
    private final InMemoryAuditLog audit;

    public InMemoryCustomerStore() {
        this(new StoreSwitch(), new InMemoryAuditLog());
    }

    InMemoryCustomerStore(StoreSwitch storeSwitch, InMemoryAuditLog audit) {
        this.storeSwitch = storeSwitch;
        this.audit = audit;
    }

    @Override
    public synchronized Optional<CustomerLink> findByUserId(UserId userId) {
        storeSwitch.check();
        return Optional.ofNullable(byUser.get(userId));
    }

    @Override
    public synchronized Optional<CustomerLink> findByCustomerId(CustomerId customerId) {
        storeSwitch.check();
        return Optional.ofNullable(byCustomer.get(customerId));
    }

    @Override
    public LinkResult link(CustomerLink link) {
        return link(link, null);
    }

    @Override
    public synchronized LinkResult link(CustomerLink link, AuditCause cause) {
        storeSwitch.check();
        CustomerLink existing = byUser.get(link.userId());
        if (existing != null) {
            return new LinkResult.UserAlreadyLinked(existing);
        }
        CustomerLink taken = byCustomer.get(link.customerId());
        if (taken != null) {
            return new LinkResult.CustomerAlreadyLinked(taken);
        }
        byUser.put(link.userId(), link);
        byCustomer.put(link.customerId(), link);
        audit.linked(link, cause);
        return new LinkResult.Linked(link);
    }

    @Override
    public synchronized Page<CustomerLink> list(String cursor, int limit) {
        storeSwitch.check();
        List<CustomerLink> sorted = new ArrayList<>(byUser.values());
        sorted.sort(Comparator.comparing(l -> l.userId().value()));
        return Cursors.page(sorted, l -> l.userId().value(), cursor, limit);
    }

    @Override
    public synchronized long count() {
        storeSwitch.check();
        return byUser.size();
    }

    @Override
    public synchronized boolean remove(UserId user) {
        storeSwitch.check();
        CustomerLink link = byUser.remove(user);
        if (link == null) {
            return false;
        }
        byCustomer.remove(link.customerId(), link);
        return true;
    }

    @Override
    public synchronized boolean retire(CustomerLink link, UserId holder, AuditCause cause) {
        storeSwitch.check();
        CustomerLink standing = byUser.get(link.userId());
        if (standing == null || !standing.customerId().equals(link.customerId()) || byUser.containsKey(holder)) {
            return false;
        }
        CustomerLink retired = new CustomerLink(holder, standing.customerId(), standing.email(), standing.createdAt());
        byUser.remove(link.userId());
        byUser.put(holder, retired);
        byCustomer.put(standing.customerId(), retired);
        audit.retired(link.userId(), retired, cause);
        return true;
    }

    @Override
    public boolean pseudonymise(UserId user, UserId pseudonym) {
        return pseudonymise(user, pseudonym, null);
    }

    @Override
    public synchronized boolean pseudonymise(UserId user, UserId pseudonym, AuditCause cause) {
        storeSwitch.check();
        if (user.equals(pseudonym)) {
            return false;
        }
        CustomerLink link = byUser.remove(user);
        if (link == null) {
            audit.forget(user, pseudonym);
            return false;
        }
        CustomerLink erased = new CustomerLink(pseudonym, link.customerId(), null, link.createdAt());
        byUser.put(pseudonym, erased);
        byCustomer.put(link.customerId(), erased);
        audit.pseudonymised(user, erased, cause);
        return true;
    }
}
