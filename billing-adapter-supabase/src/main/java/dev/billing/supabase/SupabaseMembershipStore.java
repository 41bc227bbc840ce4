package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.MembershipStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link MembershipStore} on {@code billing_org_members}, keyed by (organization, user), with Clerk's membership id
 * unique where known (020). {@code apply} is the function {@code billing_members_apply} (it finds the row the change
 * is about, by membership id, user or the user's pseudonym, which this store computes and sends along, and updates it
 * iff the change supersedes it, or inserts: one conditional upsert on the locked row), {@code restore} is
 * {@code billing_members_restore} and listing is {@code billing_members_list} (a composite keyset), erasure is
 * {@code billing_members_pseudonymise} (008, 020); reads and counts are plain REST. The seat lease is
 * {@code billing_seats_lease} on {@code billing_seat_leases} (037), given back by a plain {@code DELETE}.
 */
final class SupabaseMembershipStore implements MembershipStore {
    static final String TABLE = "billing_org_members";
    static final String LEASES = "billing_seat_leases";
    private static final String COLUMNS = "org_id,user_id,role,active,changed_at,event_id,membership_id";

    private final PostgrestClient client;

    SupabaseMembershipStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public boolean apply(OrgMember change) {
        ObjectNode args = Rows.object();
        ObjectNode row = toRow(change);
        row.put("pseudonym", change.userId().pseudonym().value());
        args.set("p_member", row);
        // Retried like the watermark upserts: a repeat changes nothing (it only answers false).
        return client.rpc("billing_members_apply", args)
                .retryable()
                .send()
                .json()
                .asBoolean();
    }

    @Override
    public long countActive(String orgId) {
        return count(client.get(TABLE).param("org_id", "eq." + orgId).param("active", "is.true"));
    }

    @Override
    public Optional<OrgMember> find(String orgId, UserId userId) {
        List<OrgMember> rows = Rows.map(
                client.get(TABLE)
                        .param("select", COLUMNS)
                        .param("org_id", "eq." + orgId)
                        .param("user_id", "eq." + userId.value())
                        .retryable()
                        .send()
                        .json(),
                SupabaseMembershipStore::member);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** From billing_org_members_user_idx (007), in organization order, a page at a time. */
    @Override
    public List<OrgMember> ofUser(UserId userId) {
        return Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
            PostgrestClient.Request request = client.get(TABLE)
                    .param("select", COLUMNS)
                    .param("user_id", "eq." + userId.value())
                    .param("order", "org_id.asc")
                    .param("limit", Integer.toString(limit));
            if (last != null) {
                request.param("org_id", "gt." + last.orgId());
            }
            return Rows.map(request.retryable().send().json(), SupabaseMembershipStore::member);
        });
    }

    @Override
    public Page<OrgMember> list(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        ObjectNode args = Rows.object();
        if (cursor == null) {
            args.putNull("p_after_org");
            args.putNull("p_after_user");
        } else {
            List<String> parts = Keyset.decode(cursor, 2);
            args.put("p_after_org", parts.get(0));
            args.put("p_after_user", parts.get(1));
        }
        args.put("p_limit", size + 1);
        List<OrgMember> rows = Rows.map(
                client.rpc("billing_members_list", args)
                        .param("select", COLUMNS)
                        .param("order", "org_id.asc,user_id.asc")
                        .retryable()
                        .send()
                        .json(),
                SupabaseMembershipStore::member);
        return Keyset.page(rows, size, m -> Keyset.encode(m.orgId(), m.userId().value()));
    }

    @Override
    public long count() {
        return count(client.get(TABLE));
    }

    /**
     * The total of {@code Prefer: count=exact} on a GET of no rows ({@code limit=0}), not a HEAD: PostgREST 12 closes
     * the connection after answering a HEAD without saying so, and a proxy that reuses it fails the next call with a
     * 502 (seen with the test gateway after {@code count()}, failing the {@code restore} that followed).
     */
    private static long count(PostgrestClient.Request request) {
        return request.param("select", "org_id")
                .param("limit", "0")
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    /** Not retried: a repeat after a lost answer would count none of the records this call moved. */
    @Override
    public int pseudonymise(UserId user, UserId pseudonym) {
        ObjectNode args = Rows.object();
        args.put("p_user_id", user.value());
        args.put("p_pseudonym", pseudonym.value());
        return client.rpc("billing_members_pseudonymise", args).send().json().asInt();
    }

    /** Never retried, like the other restores: a repeat would answer false for a row this call wrote. */
    @Override
    public boolean restore(OrgMember member) {
        ObjectNode args = Rows.object();
        args.set("p_member", toRow(member));
        return client.rpc("billing_members_restore", args).send().json().asBoolean();
    }

    static ObjectNode toRow(OrgMember m) {
        ObjectNode row = Rows.object();
        row.put("org_id", m.orgId());
        row.put("user_id", m.userId().value());
        row.put("role", m.role());
        row.put("active", m.active());
        Rows.put(row, "changed_at", m.changedAt());
        row.put("event_id", m.eventId());
        row.put("membership_id", m.membershipId());
        return row;
    }

    static OrgMember member(JsonNode row) {
        return new OrgMember(
                Rows.requiredText(row, "org_id"),
                UserId.of(Rows.requiredText(row, "user_id")),
                Rows.text(row, "role"),
                Rows.bool(row, "active"),
                Rows.requiredInstant(row, "changed_at"),
                Rows.requiredText(row, "event_id"),
                Rows.text(row, "membership_id"));
    }

    @Override
    public boolean remove(String orgId, UserId userId) {
        return SupabaseRemovals.delete(client, TABLE, "org_id", orgId, "user_id", userId.value());
    }

    @Override
    public boolean leaseSeats(String customerId, String holder, Instant now, Instant until) {
        ObjectNode args = Rows.object();
        args.put("p_customer_id", customerId);
        args.put("p_holder", holder);
        args.put("p_now", now.toString());
        args.put("p_until", until.toString());
        // Retried: a repeat by the same holder only extends what it took.
        return client.rpc("billing_seats_lease", args).retryable().send().json().asBoolean();
    }

    @Override
    public boolean renewSeats(String customerId, String holder, Instant until) {
        ObjectNode row = Rows.object();
        Rows.put(row, "until", until);
        // Retried: a repeat by the same holder sets the same end again.
        return client.patch(LEASES)
                        .param("customer_id", "eq." + customerId)
                        .param("holder", "eq." + holder)
                        .param("select", "customer_id")
                        .prefer("return=representation")
                        .json(row)
                        .retryable()
                        .send()
                        .json()
                        .size()
                > 0;
    }

    @Override
    public void releaseSeats(String customerId, String holder) {
        client.delete(LEASES)
                .param("customer_id", "eq." + customerId)
                .param("holder", "eq." + holder)
                .retryable()
                .send();
    }
}
