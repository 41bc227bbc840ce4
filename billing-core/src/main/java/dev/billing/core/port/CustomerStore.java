package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * User &lt;-&gt; Stripe customer links, unique on both sides (I3).
 *
 * <p>Usage: {@code LinkResult r = customers.link(new CustomerLink(user, customer, email, now));}
 *
 * <p>Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface CustomerStore {

    Optional<CustomerLink> findByUserId(UserId userId);

    Optional<CustomerLink> findByCustomerId(CustomerId customerId);

    /**
     * The links of those of these customers that are linked, by customer: one round trip where the store allows it,
     * for a batch of events that each need their customer's link.
     */
    default Map<CustomerId, CustomerLink> findByCustomerIds(Collection<CustomerId> customerIds) {
        Map<CustomerId, CustomerLink> found = new HashMap<>();
        for (CustomerId id : customerIds) {
            findByCustomerId(id).ifPresent(link -> found.put(id, link));
        }
        return found;
    }

    /**
     * The links whose email is {@code email}, ignoring case (an admin looking a customer up), at most {@code limit}.
     * By default every link is paged through; stores answer from a query.
     */
    default List<CustomerLink> findByEmail(String email, int limit) {
        List<CustomerLink> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<CustomerLink> page = list(cursor, 500);
            for (CustomerLink link : page.items()) {
                if (link.email() != null && link.email().equalsIgnoreCase(email) && found.size() < limit) {
                    found.add(link);
                }
            }
            cursor = page.hasMore() ? page.nextCursor() : null;
        } while (cursor != null && found.size() < limit);
        return found;
    }

    /**
     * Inserts the link unless the user or the customer is already linked; atomic under any concurrency, across
     * processes. Never overwrites.
     */
    LinkResult link(CustomerLink link);

    /**
     * {@link #link}, audited ({@code customer.linked}) with {@code cause} when it inserts; a store without an audit
     * trail ignores the cause.
     *
     * @param cause why, or null
     */
    default LinkResult link(CustomerLink link, AuditCause cause) {
        return link(link);
    }

    /**
     * {@link #link} for each, in order, answers in the same order; a store may write them together as long as each
     * answer is the one its own {@code link} in that order would have given.
     */
    default List<LinkResult> linkAll(List<CustomerLink> links) {
        List<LinkResult> results = new ArrayList<>(links.size());
        for (CustomerLink link : links) {
            results.add(link(link));
        }
        return results;
    }

    /**
     * {@link #linkAll}, each link audited with the cause at the same position ({@code causes} may hold nulls). By
     * default one {@link #link(CustomerLink, AuditCause)} after the other.
     */
    default List<LinkResult> linkAll(List<CustomerLink> links, List<AuditCause> causes) {
        if (causes.size() != links.size()) {
            throw new IllegalArgumentException("one cause per link");
        }
        List<LinkResult> results = new ArrayList<>(links.size());
        for (int i = 0; i < links.size(); i++) {
            results.add(link(links.get(i), causes.get(i)));
        }
        return results;
    }

    /** All links ordered by user id; {@code cursor} is the previous page's {@code nextCursor} or null. */
    Page<CustomerLink> list(String cursor, int limit);

    long count();

    /**
     * Erasure: the user's link keeps its customer under {@code pseudonym} and loses its email, in one step.
     *
     * @return false when the user has no link (nothing to do, or done before)
     */
    default boolean pseudonymise(UserId user, UserId pseudonym) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    /** {@link #pseudonymise}, audited ({@code customer.pseudonymised}, naming the pseudonym) with {@code cause}. */
    default boolean pseudonymise(UserId user, UserId pseudonym, AuditCause cause) {
        return pseudonymise(user, pseudonym);
    }

    /**
     * The customer of {@code link} was deleted at Stripe: the link moves, as it stands (email included), to
     * {@code holder} ({@link UserId#retiredLink}), so its account can be linked to a new customer while the deleted
     * one stays taken (a late webhook cannot link it again) and its rows stay the account's (export, erasure).
     * Audited ({@code customer.deleted}, naming the account) with {@code cause}. Atomic; moves nothing unless the
     * account is still linked to that customer.
     *
     * @return false when the account's link is not (or no longer) to that customer
     */
    default boolean retire(CustomerLink link, UserId holder, AuditCause cause) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot retire customer links");
    }

    /**
     * The account's links retired by {@link #retire}, oldest first: {@code holder}s numbered from 1 without gaps, so
     * each is one lookup by id.
     */
    default List<CustomerLink> retiredOf(UserId account) {
        List<CustomerLink> retired = new ArrayList<>();
        if (!account.retirable()) {
            return retired; // an id too long to hold one (UserId#retirable), or a retired link's own
        }
        for (int n = 1; ; n++) {
            Optional<CustomerLink> link = findByUserId(account.retiredLink(n));
            if (link.isEmpty()) {
                return retired;
            }
            retired.add(link.get());
        }
    }

    /**
     * The account's link, then its {@link #retiredOf retired} ones: every customer the account bought through.
     */
    default List<CustomerLink> linksOf(UserId account) {
        List<CustomerLink> links = new ArrayList<>();
        findByUserId(account).ifPresent(links::add);
        links.addAll(retiredOf(account));
        return links;
    }

    /**
     * Migration: deletes the user's link as it stands, because the source of a store-to-store copy no longer has it
     * (an erasure moved it to a pseudonym, say). Audits nothing: the copy brings the source's own entries.
     *
     * @return false when the user has no link
     */
    default boolean remove(UserId user) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /** The outcome of {@link #link}. */
    sealed interface LinkResult
            permits LinkResult.Linked, LinkResult.UserAlreadyLinked, LinkResult.CustomerAlreadyLinked {

        /** The link that now stands for the user (the new one, or the existing one). */
        CustomerLink link();

        /** Stored now. */
        record Linked(CustomerLink link) implements LinkResult {
            public Linked {
                Objects.requireNonNull(link, "link");
            }
        }

        /** The user already had a link (to the same or another customer); it is returned unchanged. */
        record UserAlreadyLinked(CustomerLink link) implements LinkResult {
            public UserAlreadyLinked {
                Objects.requireNonNull(link, "link");
            }
        }

        /** The customer is already linked to another user; that link is returned, nothing was stored. */
        record CustomerAlreadyLinked(CustomerLink link) implements LinkResult {
            public CustomerAlreadyLinked {
                Objects.requireNonNull(link, "link");
            }
        }
    }
}
