package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link AuditLog} in memory. The in-memory customer and subscription stores record their changes here with the
 * same rules as the SQL triggers of the Postgres and Supabase stores (V11, 011): one entry per real change, none for
 * a write that changes nothing. Thread-safe.
 *
 * <p>Usage: {@code InMemoryAuditLog audit = new InMemoryAuditLog();}
 */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditEntry> entries = new ArrayList<>();
    private final Set<List<String>> explicitKeys = new HashSet<>();
    /** Who each customer is linked to now (the user filter finds a user's customer's entries too). */
    private final Map<UserId, CustomerId> customerOf = new HashMap<>();

    private final StoreSwitch storeSwitch;
    private final Clock clock;
    private long lastId;

    public InMemoryAuditLog() {
        this(new StoreSwitch(), Clock.systemUTC());
    }

    InMemoryAuditLog(StoreSwitch storeSwitch, Clock clock) {
        this.storeSwitch = storeSwitch;
        this.clock = clock;
    }

    @Override
    public synchronized boolean record(AuditRecord entry) {
        storeSwitch.check();
        if (!explicitKeys.add(explicitKey(entry.action(), entry.entityId(), entry.cause()))) {
            return entry.action().takenOverBy(entry.cause()) && takeOver(entry);
        }
        append(entry.action(), entry.entityId(), entry.userId(), entry.customerId(), entry.cause(), entry.detail());
        return true;
    }

    /**
     * The entity's entry of a cause that is not a request, replaced in its place by the request's cause and detail (the
     * SQL upsert); it keeps whom it names, which an erasure may have renamed.
     */
    private boolean takeOver(AuditRecord entry) {
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry e = entries.get(i);
            if (e.action() == entry.action()
                    && e.entityId().equals(entry.entityId())
                    && e.cause() != null
                    && !e.cause().kind().isRequest()) {
                entries.set(
                        i,
                        new AuditEntry(
                                e.id(),
                                e.recordedAt(),
                                e.action(),
                                e.entityId(),
                                e.userId() == null ? entry.userId() : e.userId(),
                                e.customerId() == null ? entry.customerId() : e.customerId(),
                                entry.cause(),
                                entry.detail()));
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized Page<AuditEntry> list(AuditQuery query) {
        storeSwitch.check();
        CustomerId usersCustomer = query.userId() == null ? null : customerOf.get(query.userId());
        List<AuditEntry> items = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            AuditEntry e = entries.get(i);
            if (e.id() >= query.beforeId() || !matches(e, query, usersCustomer)) {
                continue;
            }
            if (items.size() == query.limit()) {
                return new Page<>(
                        items,
                        true,
                        AuditQuery.cursorAfter(items.get(items.size() - 1).id()));
            }
            items.add(e);
        }
        return Page.last(items);
    }

    /** Kept in id order, so the listing stays newest first whatever order a copy restores entries in. */
    @Override
    public synchronized boolean restore(AuditEntry entry) {
        storeSwitch.check();
        int at = indexOf(entry.id());
        if (at >= 0 && entries.get(at).equals(entry)) {
            return false;
        }
        if (at >= 0) {
            entries.set(at, entry);
        } else {
            entries.add(-at - 1, entry);
        }
        if (entry.action().explicit() && entry.cause() != null) {
            explicitKeys.add(explicitKey(entry.action(), entry.entityId(), entry.cause()));
        }
        lastId = Math.max(lastId, entry.id());
        return true;
    }

    /** What makes an explicit entry the same as one recorded before (the SQL stores' unique indexes). */
    private static List<String> explicitKey(AuditAction action, String entityId, AuditCause cause) {
        return action.oncePerEntity()
                ? List.of(action.wireName(), entityId)
                : List.of(action.wireName(), entityId, cause.text());
    }

    @Override
    public synchronized boolean remove(long id) {
        storeSwitch.check();
        int at = indexOf(id);
        if (at < 0) {
            return false;
        }
        AuditEntry gone = entries.remove(at);
        if (gone.action().explicit() && gone.cause() != null) {
            explicitKeys.remove(explicitKey(gone.action(), gone.entityId(), gone.cause()));
        }
        return true;
    }

    /** The entry's index, or {@code -(insertion point) - 1}. */
    private int indexOf(long id) {
        int low = 0;
        int high = entries.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long midId = entries.get(mid).id();
            if (midId < id) {
                low = mid + 1;
            } else if (midId > id) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    /** Every entry, oldest first (for tests). */
    public synchronized List<AuditEntry> entries() {
        return List.copyOf(entries);
    }

    private static boolean matches(AuditEntry e, AuditQuery q, CustomerId usersCustomer) {
        if (q.userId() != null
                && !q.userId().equals(e.userId())
                && (usersCustomer == null || !usersCustomer.equals(e.customerId()))) {
            return false;
        }
        return (q.customerId() == null || q.customerId().equals(e.customerId()))
                && (q.action() == null || q.action() == e.action())
                && (q.from() == null || !e.recordedAt().isBefore(q.from()))
                && (q.to() == null || e.recordedAt().isBefore(q.to()));
    }

    synchronized void linked(CustomerLink link, AuditCause cause) {
        customerOf.put(link.userId(), link.customerId());
        if (copied(cause)) {
            return;
        }
        append(
                AuditAction.CUSTOMER_LINKED,
                link.customerId().value(),
                link.userId(),
                link.customerId(),
                cause,
                Map.of());
    }

    /** The link moved to the pseudonym: the entries that named the user name the pseudonym instead (erasure). */
    synchronized void pseudonymised(UserId user, CustomerLink erased, AuditCause cause) {
        customerOf.remove(user);
        customerOf.put(erased.userId(), erased.customerId());
        forget(user, erased.userId());
        append(
                AuditAction.CUSTOMER_PSEUDONYMISED,
                erased.customerId().value(),
                erased.userId(),
                erased.customerId(),
                cause,
                Map.of());
    }

    /**
     * The link's customer was deleted at Stripe and its link retired to a holder id: the entry names the account,
     * whose entries stay as they are.
     */
    synchronized void retired(UserId account, CustomerLink retired, AuditCause cause) {
        if (retired.customerId().equals(customerOf.get(account))) {
            customerOf.remove(account);
        }
        append(
                AuditAction.CUSTOMER_DELETED,
                retired.customerId().value(),
                account,
                retired.customerId(),
                cause,
                Map.of());
    }

    /** A retried erasure after the link moved: the trail still forgets the id. */
    synchronized void forget(UserId user, UserId pseudonym) {
        entries.replaceAll(e -> user.equals(e.userId())
                ? new AuditEntry(
                        e.id(),
                        e.recordedAt(),
                        e.action(),
                        e.entityId(),
                        pseudonym,
                        e.customerId(),
                        e.cause(),
                        e.detail())
                : e);
    }

    /** A subscription write that applied ({@code before} null: inserted), by the triggers' rules. */
    synchronized void subscription(Subscription before, Subscription after, AuditCause cause) {
        if (copied(cause)) {
            return;
        }
        if (before == null) {
            append(
                    AuditAction.SUBSCRIPTION_CREATED,
                    after,
                    cause,
                    detail(
                            "new_status",
                            after.status().stripeName(),
                            "price_id",
                            after.priceId(),
                            "quantity",
                            Long.toString(after.quantity())));
            return;
        }
        if (before.status() != after.status()) {
            append(
                    after.status().hasEnded()
                            ? AuditAction.SUBSCRIPTION_CANCELED
                            : AuditAction.SUBSCRIPTION_STATUS_CHANGED,
                    after,
                    cause,
                    detail(
                            "old_status",
                            before.status().stripeName(),
                            "new_status",
                            after.status().stripeName()));
        }
        if (!Objects.equals(before.priceId(), after.priceId())) {
            append(
                    AuditAction.SUBSCRIPTION_PLAN_CHANGED,
                    after,
                    cause,
                    detail("old_price_id", before.priceId(), "new_price_id", after.priceId()));
        }
        if (before.quantity() != after.quantity()) {
            append(
                    AuditAction.SUBSCRIPTION_QUANTITY_CHANGED,
                    after,
                    cause,
                    detail(
                            "old_quantity",
                            Long.toString(before.quantity()),
                            "new_quantity",
                            Long.toString(after.quantity())));
        }
        boolean wasScheduled = before.cancelAtPeriodEnd() || before.cancelAt() != null;
        boolean scheduled = after.cancelAtPeriodEnd() || after.cancelAt() != null;
        if (wasScheduled != scheduled && !after.status().hasEnded()) {
            append(
                    scheduled ? AuditAction.SUBSCRIPTION_CANCEL_SCHEDULED : AuditAction.SUBSCRIPTION_RESUMED,
                    after,
                    cause,
                    detail("cancel_at_period_end", Boolean.toString(after.cancelAtPeriodEnd())));
        }
    }

    synchronized void invoice(Invoice before, Invoice after, AuditCause cause) {
        if (copied(cause)) {
            return;
        }
        if (after.status() == InvoiceStatus.PAID && (before == null || before.status() != InvoiceStatus.PAID)) {
            append(
                    AuditAction.INVOICE_PAID,
                    after.id(),
                    null,
                    after.customerId(),
                    cause,
                    detail("amount_paid", Long.toString(after.amountPaid()), "currency", after.currency()));
        }
    }

    synchronized void purchase(Purchase p, AuditCause cause) {
        if (copied(cause)) {
            return;
        }
        append(
                AuditAction.PURCHASE_RECORDED,
                p.id(),
                null,
                p.customerId(),
                cause,
                detail(
                        "price_id",
                        p.priceId(),
                        "quantity",
                        Long.toString(p.quantity()),
                        "amount_total",
                        Long.toString(p.amountTotal()),
                        "currency",
                        p.currency()));
    }

    synchronized void purchaseClaimed(Purchase before, Purchase after, AuditCause cause) {
        if (copied(cause)) {
            return;
        }
        append(
                AuditAction.PURCHASE_CLAIMED,
                after.id(),
                null,
                after.customerId(),
                cause,
                detail(
                        "old_customer_id",
                        before.customerId().value(),
                        "price_id",
                        after.priceId(),
                        "quantity",
                        Long.toString(after.quantity()),
                        "amount_total",
                        Long.toString(after.amountTotal()),
                        "currency",
                        after.currency()));
    }

    /** A copy's write: the copy brings the source's entries for it (as the SQL triggers skip it too). */
    private static boolean copied(AuditCause cause) {
        return AuditCause.MIGRATION.equals(cause);
    }

    private void append(AuditAction action, Subscription s, AuditCause cause, Map<String, String> detail) {
        append(action, s.id(), null, s.customerId(), cause, detail);
    }

    private void append(
            AuditAction action,
            String entityId,
            UserId user,
            CustomerId customer,
            AuditCause cause,
            Map<String, String> detail) {
        // Microseconds, as Postgres keeps them: the same time filters select the same entries.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        entries.add(new AuditEntry(++lastId, now, action, entityId, user, customer, cause, detail));
    }

    /** Key-value pairs without the null values (the SQL strips JSON nulls too). */
    private static Map<String, String> detail(String... pairs) {
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                detail.put(pairs[i], pairs[i + 1]);
            }
        }
        return detail;
    }
}
