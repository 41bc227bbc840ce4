package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.GuestPurchase;
import java.time.Instant;
import java.util.List;

/**
 * Purchases made without an account, until a user with the buyer's verified email claims them.
 *
 * <p>Rules every implementation keeps (the {@code GuestPurchaseStoreContract} pins them): {@link #record} stores a
 * session once; {@link #claim} takes every unclaimed purchase of the email for the user in one atomic step, so among
 * racing claimers of one email exactly one gets each purchase, and answers every purchase of that email the user
 * holds (claimed now or before), so a retried claim finishes what an interrupted one began.
 * Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface GuestPurchaseStore {

    /** Stores the purchase unless its session is stored already; true when it stored it. */
    boolean record(GuestPurchase purchase);

    /** Claims the email's unclaimed purchases for {@code user}; answers all of the email's purchases the user holds. */
    List<GuestPurchase> claim(String email, UserId user, Instant at);

    /**
     * {@link #claim(String, UserId, Instant)}, and in the same atomic step the purchase recorded for each purchase the
     * user then holds (the {@link SubscriptionStore#recordPurchase} row under its session id) moves to
     * {@code customer}: the same row, keeping its id, payment intent and amounts, so it is counted once and its
     * refunds still find it. Each move is audited once
     * ({@link dev.billing.core.model.audit.AuditAction#PURCHASE_CLAIMED}, with {@code cause}); a purchase already under
     * {@code customer} is left alone, so a retry records nothing more and moves only what an earlier claim left
     * behind (one made without moving). Racing claimers of one email: only the one that gets a purchase moves it.
     *
     * @param customer the claiming user's Stripe customer
     * @param cause    why (the claim request), or null
     */
    List<GuestPurchase> claim(String email, UserId user, CustomerId customer, Instant at, AuditCause cause);

    /** Every purchase of the email (normalised), claimed or not. */
    List<GuestPurchase> ofEmail(String email);

    /** Every purchase the user claimed (a personal data export), in purchase order. */
    List<GuestPurchase> claimedBy(UserId user);

    /**
     * Erasure: the purchases the user claimed name {@code pseudonym} instead, and they and the unclaimed purchases
     * of {@code email} (may be null) keep {@link #erasedEmail erasedEmail(pseudonym)} instead of the buyer's email
     * (so they cannot be claimed any more).
     *
     * @return how many purchases changed
     */
    int pseudonymise(UserId user, String email, UserId pseudonym);

    /** Every purchase, claimed or not, ordered by session id; the cursor is opaque or null (migration). */
    Page<GuestPurchase> list(String cursor, int limit);

    /** How many purchases there are. */
    long count();

    /** Writes the purchase exactly as given (migration) unless the same is stored; true when it wrote. */
    boolean restore(GuestPurchase purchase);

    /**
     * Migration: deletes the purchase, because the source of a store-to-store copy no longer has it.
     *
     * @return false when there is none
     */
    default boolean remove(String sessionId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /** What an erased purchase keeps instead of the buyer's email: an address that cannot be anyone's. */
    static String erasedEmail(UserId pseudonym) {
        return pseudonym.value() + "@erased.invalid";
    }

    /** For stores that keep no guest purchases: guests cannot buy with them. */
    GuestPurchaseStore NONE = new GuestPurchaseStore() {
        @Override
        public boolean record(GuestPurchase purchase) {
            throw unsupported();
        }

        @Override
        public List<GuestPurchase> claim(String email, UserId user, Instant at) {
            return List.of();
        }

        @Override
        public List<GuestPurchase> claim(String email, UserId user, CustomerId customer, Instant at, AuditCause cause) {
            return List.of();
        }

        @Override
        public List<GuestPurchase> ofEmail(String email) {
            return List.of();
        }

        @Override
        public List<GuestPurchase> claimedBy(UserId user) {
            return List.of();
        }

        @Override
        public int pseudonymise(UserId user, String email, UserId pseudonym) {
            return 0;
        }

        @Override
        public Page<GuestPurchase> list(String cursor, int limit) {
            return Page.empty();
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public boolean restore(GuestPurchase purchase) {
            throw unsupported();
        }

        private UnsupportedOperationException unsupported() {
            return new UnsupportedOperationException("these stores keep no guest purchases");
        }
    };
}
