package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.port.GuestPurchaseStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@link GuestPurchaseStore} on {@code billing_guest_purchases}, keyed by Checkout session id, found by the normalised
 * email through {@code billing_guest_purchases_email_idx} (009). {@code record} is one insert with
 * {@code resolution=ignore-duplicates}; {@code claim} is the function {@code billing_guests_claim} (one statement:
 * each purchase goes to exactly one of racing claimers), and the claim that moves the purchases the function
 * {@code billing_guests_claim_into} (019: the same statement moves their rows); {@code ofEmail} is plain REST. Answers are in purchase
 * order, read 500 rows at a time (PostgREST cuts every answer at {@code db-max-rows} without saying so).
 */
final class SupabaseGuestPurchaseStore implements GuestPurchaseStore {
    static final String TABLE = "billing_guest_purchases";
    private static final String COLUMNS = "session_id,email,price_id,quantity,currency,amount_total,customer_id,"
            + "purchased_at,claimed_by,claimed_at";
    private static final String ORDER = "purchased_at.asc,session_id.asc";

    private final PostgrestClient client;

    SupabaseGuestPurchaseStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public boolean record(GuestPurchase purchase) {
        JsonNode inserted = client.post(TABLE)
                .param("on_conflict", "session_id")
                .param("select", "session_id")
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(toRow(purchase))
                .send()
                .json();
        return inserted.size() == 1;
    }

    /**
     * The function claims every unclaimed purchase at once and its first page answers; should the user hold more than
     * a page, the rest are read after it, as {@code ofEmail} reads. Retried: a repeat takes nothing more and answers
     * the same (the port's "a retried claim finishes what an interrupted one began").
     */
    @Override
    public List<GuestPurchase> claim(String email, UserId user, Instant at) {
        String normalised = GuestPurchase.normalise(email);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request;
            if (last == null) {
                ObjectNode args = Rows.object();
                args.put("p_email", normalised);
                args.put("p_user_id", user.value());
                args.put("p_at", Rows.timestamp(at));
                request = client.rpc("billing_guests_claim", args);
            } else {
                request = after(
                        client.get(TABLE).param("email", "eq." + normalised).param("claimed_by", "eq." + user.value()),
                        last);
            }
            return Rows.map(
                    request.param("select", COLUMNS)
                            .param("order", ORDER)
                            .param("limit", Integer.toString(limit))
                            .retryable()
                            .send()
                            .json(),
                    SupabaseGuestPurchaseStore::purchase);
        });
    }

    /**
     * As {@link #claim(String, UserId, Instant)}, through {@code billing_guests_claim_into}, which moves every held
     * purchase in its one statement whatever page of them it answers; the claim's cause travels in the request's
     * header for 019's audit trigger. Retried: a repeat takes and moves nothing more and answers the same.
     */
    @Override
    public List<GuestPurchase> claim(String email, UserId user, CustomerId customer, Instant at, AuditCause cause) {
        String normalised = GuestPurchase.normalise(email);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(at, "at");
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request;
            if (last == null) {
                ObjectNode args = Rows.object();
                args.put("p_email", normalised);
                args.put("p_user_id", user.value());
                args.put("p_customer_id", customer.value());
                args.put("p_at", Rows.timestamp(at));
                request = client.rpc("billing_guests_claim_into", args).cause(cause == null ? null : cause.text());
            } else {
                request = after(
                        client.get(TABLE).param("email", "eq." + normalised).param("claimed_by", "eq." + user.value()),
                        last);
            }
            return Rows.map(
                    request.param("select", COLUMNS)
                            .param("order", ORDER)
                            .param("limit", Integer.toString(limit))
                            .retryable()
                            .send()
                            .json(),
                    SupabaseGuestPurchaseStore::purchase);
        });
    }

    @Override
    public List<GuestPurchase> ofEmail(String email) {
        String normalised = GuestPurchase.normalise(email);
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(TABLE).param("email", "eq." + normalised);
            if (last != null) {
                after(request, last);
            }
            return Rows.map(
                    request.param("select", COLUMNS)
                            .param("order", ORDER)
                            .param("limit", Integer.toString(limit))
                            .retryable()
                            .send()
                            .json(),
                    SupabaseGuestPurchaseStore::purchase);
        });
    }

    /** The rows after {@code last} in {@link #ORDER}; the values quoted, since commas and dots are syntax there. */
    private static PostgrestClient.Request after(PostgrestClient.Request request, GuestPurchase last) {
        String time = Rows.quoted(Rows.timestamp(last.purchasedAt()));
        String session = Rows.quoted(last.sessionId());
        return request.param(
                "or", "(purchased_at.gt." + time + ",and(purchased_at.eq." + time + ",session_id.gt." + session + "))");
    }

    static ObjectNode toRow(GuestPurchase p) {
        ObjectNode row = Rows.object();
        row.put("session_id", p.sessionId());
        row.put("email", p.email());
        row.put("price_id", p.priceId());
        row.put("quantity", p.quantity());
        row.put("currency", p.currency());
        row.put("amount_total", p.amountTotal());
        row.put("customer_id", p.customerId() == null ? null : p.customerId().value());
        Rows.put(row, "purchased_at", p.purchasedAt());
        row.put("claimed_by", p.claimedBy() == null ? null : p.claimedBy().value());
        Rows.put(row, "claimed_at", p.claimedAt());
        return row;
    }

    static GuestPurchase purchase(JsonNode row) {
        String customer = Rows.text(row, "customer_id");
        String claimedBy = Rows.text(row, "claimed_by");
        return new GuestPurchase(
                Rows.requiredText(row, "session_id"),
                Rows.requiredText(row, "email"),
                Rows.requiredText(row, "price_id"),
                Rows.longValue(row, "quantity"),
                Rows.text(row, "currency"),
                Rows.longValue(row, "amount_total"),
                customer == null ? null : CustomerId.of(customer),
                Rows.requiredInstant(row, "purchased_at"),
                claimedBy == null ? null : UserId.of(claimedBy),
                Rows.instant(row, "claimed_at"));
    }

    @Override
    public List<GuestPurchase> claimedBy(UserId user) {
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(TABLE).param("claimed_by", "eq." + user.value());
            if (last != null) {
                after(request, last);
            }
            return Rows.map(
                    request.param("select", COLUMNS)
                            .param("order", ORDER)
                            .param("limit", Integer.toString(limit))
                            .retryable()
                            .send()
                            .json(),
                    SupabaseGuestPurchaseStore::purchase);
        });
    }

    /** Two updates, each idempotent: the claimed rows, then the unclaimed rows of the email. */
    @Override
    public int pseudonymise(UserId user, String email, UserId pseudonym) {
        String erased = GuestPurchaseStore.erasedEmail(pseudonym);
        ObjectNode claimed = Rows.object();
        claimed.put("email", erased);
        claimed.put("claimed_by", pseudonym.value());
        int changed = client.patch(TABLE)
                .param("claimed_by", "eq." + user.value())
                .param("select", "session_id")
                .prefer("return=representation")
                .json(claimed)
                .send()
                .json()
                .size();
        if (email != null) {
            ObjectNode unclaimed = Rows.object();
            unclaimed.put("email", erased);
            changed += client.patch(TABLE)
                    .param("email", "eq." + GuestPurchase.normalise(email))
                    .param("claimed_by", "is.null")
                    .param("select", "session_id")
                    .prefer("return=representation")
                    .json(unclaimed)
                    .send()
                    .json()
                    .size();
        }
        return changed;
    }

    @Override
    public Page<GuestPurchase> list(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        PostgrestClient.Request request = client.get(TABLE);
        if (cursor != null) {
            // An operator's value is taken as it is (quotes are syntax only inside in.() and or=()).
            request.param("session_id", "gt." + Keyset.decode(cursor, 1).get(0));
        }
        List<GuestPurchase> rows = Rows.map(
                request.param("select", COLUMNS)
                        .param("order", "session_id.asc")
                        .param("limit", Integer.toString(size + 1))
                        .retryable()
                        .send()
                        .json(),
                SupabaseGuestPurchaseStore::purchase);
        return Keyset.page(rows, size, g -> Keyset.encode(g.sessionId()));
    }

    /** {@code Prefer: count=exact} on a GET of no rows, not a HEAD (PostgREST 12 closes the connection after one). */
    @Override
    public long count() {
        return client.get(TABLE)
                .param("select", "session_id")
                .param("limit", "0")
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    /** Never retried, like the other restores: a repeat would answer false for a row this call wrote. */
    @Override
    public boolean restore(GuestPurchase purchase) {
        ObjectNode args = Rows.object();
        args.set("p_purchase", toRow(purchase));
        return client.rpc("billing_guests_restore", args).send().json().asBoolean();
    }

    @Override
    public boolean remove(String sessionId) {
        return SupabaseRemovals.delete(client, TABLE, "session_id", sessionId);
    }
}
