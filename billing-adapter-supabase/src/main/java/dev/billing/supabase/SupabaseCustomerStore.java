package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.CustomerStore;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link CustomerStore} on the legacy {@code stripe_customer_mapping} table, unique on both sides. A link is one
 * insert; a unique violation (HTTP 409, 23505) is answered by reading back which side is taken. A row the old
 * backend wrote without {@code created_at} reads as created at the epoch; rows without a user or a customer are
 * not links and are never returned or counted. Erasure is the function {@code billing_customer_pseudonymise} (008):
 * the row keeps its customer, so the unique index keeps that customer taken.
 */
final class SupabaseCustomerStore implements CustomerStore {
    static final String TABLE = "stripe_customer_mapping";
    private static final String COLUMNS = "clerk_user_id,stripe_customer_id,email,created_at";
    /** Inserts of one link that may each meet a conflict removed before it is read; more means churn, not a race. */
    private static final int LINK_ATTEMPTS = 3;

    private final PostgrestClient client;

    SupabaseCustomerStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public Optional<CustomerLink> findByUserId(UserId userId) {
        return first(client.get(TABLE)
                .param("select", COLUMNS)
                .param("clerk_user_id", "eq." + userId.value())
                .param("stripe_customer_id", "not.is.null")
                .retryable()
                .send()
                .json());
    }

    @Override
    public Optional<CustomerLink> findByCustomerId(CustomerId customerId) {
        return first(client.get(TABLE)
                .param("select", COLUMNS)
                .param("stripe_customer_id", "eq." + customerId.value())
                .param("clerk_user_id", "not.is.null")
                .retryable()
                .send()
                .json());
    }

    /** One {@code in.(...)} filter per 100 customers, which keeps the URL well under any proxy's limit. */
    @Override
    public Map<CustomerId, CustomerLink> findByCustomerIds(Collection<CustomerId> customerIds) {
        List<String> ids =
                customerIds.stream().map(CustomerId::value).distinct().toList();
        Map<CustomerId, CustomerLink> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 100) {
            String list = ids.subList(from, Math.min(ids.size(), from + 100)).stream()
                    .map(Rows::quoted)
                    .collect(Collectors.joining(","));
            Rows.map(
                            client.get(TABLE)
                                    .param("select", COLUMNS)
                                    .param("stripe_customer_id", "in.(" + list + ")")
                                    .param("clerk_user_id", "not.is.null")
                                    .retryable()
                                    .send()
                                    .json(),
                            SupabaseCustomerStore::fromRow)
                    .forEach(link -> found.put(link.customerId(), link));
        }
        return found;
    }

    /**
     * Along an index of {@code lower(email)} ({@code 027_customers_by_email.sql}); the comparison ignoring case here
     * keeps the matches as Java sees them, as the other stores do.
     */
    @Override
    public List<CustomerLink> findByEmail(String email, int limit) {
        ObjectNode args = Rows.object();
        args.put("p_email", email);
        args.put("p_limit", 1000);
        return Rows.map(
                        client.rpc("billing_customers_by_email", args)
                                .param("select", COLUMNS)
                                .retryable()
                                .send()
                                .json(),
                        SupabaseCustomerStore::fromRow)
                .stream()
                .filter(link -> link.email() != null && link.email().equalsIgnoreCase(email))
                .limit(limit)
                .toList();
    }

    @Override
    public LinkResult link(CustomerLink link) {
        return link(link, null);
    }

    /**
     * 011's trigger audits the insert with the cause the request carries. A unique violation means the conflicting
     * row was committed (the insert waited for it), so it is read; if it was removed meanwhile, the insert is tried
     * again.
     */
    @Override
    public LinkResult link(CustomerLink link, AuditCause cause) {
        ObjectNode row = Rows.object();
        row.put("clerk_user_id", link.userId().value());
        row.put("stripe_customer_id", link.customerId().value());
        row.put("email", link.email());
        Rows.put(row, "created_at", link.createdAt());
        for (int attempt = 1; ; attempt++) {
            PostgrestClient.Response response = client.post(TABLE)
                    .json(row)
                    .prefer("return=minimal")
                    .accept(409)
                    .cause(cause == null ? null : cause.text())
                    .send();
            if (response.status() != 409) {
                return new LinkResult.Linked(link);
            }
            Optional<CustomerLink> user = findByUserId(link.userId());
            if (user.isPresent()) {
                return new LinkResult.UserAlreadyLinked(user.get());
            }
            Optional<CustomerLink> customer = findByCustomerId(link.customerId());
            if (customer.isPresent()) {
                return new LinkResult.CustomerAlreadyLinked(customer.get());
            }
            if (attempt == LINK_ATTEMPTS) {
                throw new StoreException("Supabase refused the customer link as a duplicate " + LINK_ATTEMPTS
                        + " times, but neither the user nor the customer stayed linked");
            }
        }
    }

    @Override
    public Page<CustomerLink> list(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        ObjectNode args = Rows.object();
        args.put(
                "p_after_user", cursor == null ? null : Keyset.decode(cursor, 1).get(0));
        args.put("p_limit", size + 1);
        List<CustomerLink> rows = Rows.map(
                client.rpc("billing_list_customer_links", args)
                        .param("select", COLUMNS)
                        .retryable()
                        .send()
                        .json(),
                SupabaseCustomerStore::fromRow);
        rows = new java.util.ArrayList<>(rows);
        rows.sort(java.util.Comparator.comparing(l -> l.userId().value(), Keyset.BYTE_ORDER));
        return Keyset.page(rows, size, l -> Keyset.encode(l.userId().value()));
    }

    @Override
    public long count() {
        return client.head(TABLE)
                .param("clerk_user_id", "not.is.null")
                .param("stripe_customer_id", "not.is.null")
                .prefer("count=exact")
                .retryable()
                .send()
                .count();
    }

    /** Not retried: a repeat after a lost answer would say false for the link this call moved. */
    @Override
    public boolean pseudonymise(UserId user, UserId pseudonym) {
        return pseudonymise(user, pseudonym, null);
    }

    /** 011's trigger audits the move and renames the user in the trail, in the same transaction. */
    @Override
    public boolean pseudonymise(UserId user, UserId pseudonym, AuditCause cause) {
        ObjectNode args = Rows.object();
        args.put("p_user_id", user.value());
        args.put("p_pseudonym", pseudonym.value());
        return client.rpc("billing_customer_pseudonymise", args)
                .cause(cause == null ? null : cause.text())
                .send()
                .json()
                .asBoolean();
    }

    /** One PATCH: 033's trigger audits the move as {@code deleted}, naming the account. Not retried (as above). */
    @Override
    public boolean retire(CustomerLink link, UserId holder, AuditCause cause) {
        ObjectNode moved = Rows.object();
        moved.put("clerk_user_id", holder.value());
        return client.patch(TABLE)
                        .param("clerk_user_id", "eq." + link.userId().value())
                        .param("stripe_customer_id", "eq." + link.customerId().value())
                        .param("select", "stripe_customer_id")
                        .prefer("return=representation")
                        .cause(cause == null ? null : cause.text())
                        .json(moved)
                        .send()
                        .json()
                        .size()
                == 1;
    }

    private static Optional<CustomerLink> first(JsonNode rows) {
        List<CustomerLink> links = Rows.map(rows, SupabaseCustomerStore::fromRow);
        return links.isEmpty() ? Optional.empty() : Optional.of(links.get(0));
    }

    static CustomerLink fromRow(JsonNode row) {
        Instant created = Rows.instant(row, "created_at");
        String email = Rows.text(row, "email");
        return new CustomerLink(
                UserId.of(Rows.requiredText(row, "clerk_user_id")),
                CustomerId.of(Rows.requiredText(row, "stripe_customer_id")),
                email == null || email.isBlank() ? null : email,
                created == null ? Instant.EPOCH : created);
    }

    @Override
    public boolean remove(UserId user) {
        return SupabaseRemovals.delete(client, TABLE, "clerk_user_id", user.value());
    }
}
