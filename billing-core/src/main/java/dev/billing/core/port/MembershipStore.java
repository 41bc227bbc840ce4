package dev.billing.core.port;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Organization memberships kept from Clerk's membership events (membership sync), one record per organization
 * and user, each carrying Clerk's membership id ({@code orgmem_...}) when the event named it.
 *
 * <p>Rules every implementation keeps (the {@code MembershipStoreContract} pins them):
 * <ul>
 *   <li>{@link #apply} finds the record a change is about by its membership id; failing that, by organization and
 *       user; failing that, by organization and the user's {@link UserId#pseudonym() pseudonym} (an erased
 *       member, or one whose record was stored before membership ids were kept). It writes the change onto that
 *       record ({@link OrgMember#onto}: its organization and user stay) only when the change
 *       {@link OrgMember#supersedes supersedes} it, or inserts it when there is none, in one atomic step, so
 *       duplicates and any delivery order, also racing across processes, end in the same state, and an erasure
 *       never leaves a member counted for good;</li>
 *   <li>{@link #countActive} counts the active records of one organization;</li>
 *   <li>a membership id names at most one record;</li>
 *   <li>{@link #leaseSeats} gives a customer's seat lease to one holder at a time, until it runs out or its holder
 *       gives it back, also across processes; {@link #renewSeats} extends it only for a holder nobody displaced.</li>
 * </ul>
 * Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface MembershipStore {

    /**
     * Writes the change onto the record it is about if it supersedes it, or inserts it if there is none (see the
     * class comment for how the record is found); true when it wrote.
     */
    boolean apply(OrgMember change);

    /** The active members of the organization. */
    long countActive(String orgId);

    Optional<OrgMember> find(String orgId, UserId userId);

    /** Every membership record of one user, active or not (a personal data export); this default reads them all. */
    default List<OrgMember> ofUser(UserId userId) {
        List<OrgMember> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<OrgMember> page = list(cursor, 500);
            page.items().stream().filter(m -> m.userId().equals(userId)).forEach(found::add);
            cursor = page.nextCursor();
        } while (cursor != null);
        return found;
    }

    /**
     * Erasure: the user's membership records move to {@code pseudonym}, keeping their membership ids; where the
     * pseudonym already has a record in the organization, the one that supersedes stays.
     *
     * @return how many records moved
     */
    default int pseudonymise(UserId user, UserId pseudonym) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    /** Every record, active or not, ordered by organization then user; the cursor is opaque or null (migration). */
    Page<OrgMember> list(String cursor, int limit);

    /** How many records there are, active or not. */
    long count();

    /**
     * Writes the record exactly as given (migration) unless the same is stored; another record with its membership
     * id (the same membership, stored under the user id it had before an erasure) is replaced by it. True when it
     * wrote.
     */
    boolean restore(OrgMember member);

    /**
     * Migration: deletes the record, because the source of a store-to-store copy no longer has it (an erasure moved
     * it to a pseudonym, say).
     *
     * @return false when there is none
     */
    default boolean remove(String orgId, UserId userId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /**
     * Takes the seat lease of an organization's customer for {@code holder} until {@code until}: taken when nobody
     * holds it, its holder's lease ran out before {@code now}, or {@code holder} holds it already (then extended).
     * Auto-seats holds it while it counts the members and sets the quantity at Stripe, so that processes sharing
     * the store send an organization's quantities one at a time, never an older count after a newer one. This
     * default takes it at once: a store without leases orders the quantities within one process only.
     *
     * @return whether {@code holder} holds it now
     */
    default boolean leaseSeats(String customerId, String holder, Instant now, Instant until) {
        return true;
    }

    /**
     * Extends the seat lease {@code holder} took to {@code until}, only if no other holder took it since and it was
     * not given back (a lease that ran out but nobody took is still held). Auto-seats renews before each quantity it
     * sends: a count read under a lease that was lost meanwhile may be older than one another holder sent. This
     * default renews at once, as {@link #leaseSeats}'s default takes the lease at once.
     *
     * @return whether {@code holder} held it all along and holds it until {@code until} now
     */
    default boolean renewSeats(String customerId, String holder, Instant until) {
        return true;
    }

    /** Gives the seat lease back if {@code holder} holds it; nothing otherwise. */
    default void releaseSeats(String customerId, String holder) {}

    /** For stores that keep no memberships: membership sync cannot be switched on with them. */
    MembershipStore NONE = new MembershipStore() {
        @Override
        public boolean apply(OrgMember change) {
            throw unsupported();
        }

        @Override
        public long countActive(String orgId) {
            throw unsupported();
        }

        @Override
        public Optional<OrgMember> find(String orgId, UserId userId) {
            return Optional.empty();
        }

        @Override
        public Page<OrgMember> list(String cursor, int limit) {
            return Page.empty();
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public boolean restore(OrgMember member) {
            throw unsupported();
        }

        private UnsupportedOperationException unsupported() {
            return new UnsupportedOperationException("these stores keep no organization memberships; membership "
                    + "sync needs the Postgres, Supabase or in-memory stores");
        }
    };
}
