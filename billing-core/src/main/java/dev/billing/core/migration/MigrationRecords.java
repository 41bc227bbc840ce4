package dev.billing.core.migration;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * How {@link MigrateStores} reads, writes, removes, identifies, orders and fingerprints each record type, through the
 * ports only: one {@link Kind} per type, in {@link #all()}, is the one place a record type is described (a new field
 * goes into its canonical form, a new key into its key and order). The canonical forms, what is verified, are in
 * {@link CanonicalForms}.
 */
final class MigrationRecords {
    /**
     * The cause of the copy's projection writes: the target records no audit entry for them, so that its trail is
     * exactly the source's, copied as {@code audit_entries} with their own ids, times and causes.
     */
    private static final AuditCause MIGRATION = AuditCause.MIGRATION;

    private MigrationRecords() {}

    /** What writing one record to the target did. */
    enum Outcome {
        WRITTEN,
        /** Written once another record that stood in its way was removed (the old link of its customer). */
        WRITTEN_AFTER_REMOVING,
        ALREADY_PRESENT,
        CONFLICT,
        /**
         * Not written: another record of the target holds what this one needs (the customer of a link, under another
         * user), and the write was not {@code alone}, so it did not remove it. Written again alone once the page's
         * other writes are done.
         */
        HELD_BY_ANOTHER
    }

    /** Lists one page of records of a type. */
    @FunctionalInterface
    interface Lister<T> {
        Page<T> list(BillingStores stores, String cursor, int limit);
    }

    /**
     * Writes one record to the target, idempotently. {@code alone}: no other write of the page runs meanwhile, so the
     * writer may remove another record that stands in its way; otherwise it answers {@link Outcome#HELD_BY_ANOTHER}.
     */
    @FunctionalInterface
    interface Writer<T> {
        Outcome write(BillingStores target, T record, boolean alone);
    }

    /** Removes one record (by its key) from the target; true when it was there. */
    @FunctionalInterface
    interface Remover<T> {
        boolean remove(BillingStores target, T record);
    }

    /** Whether the stores hold a record under the key of the given one. */
    @FunctionalInterface
    interface Finder<T> {
        boolean has(BillingStores stores, T record);
    }

    /**
     * Everything the engine needs to migrate one record type.
     *
     * @param lister    one page of the type, in the order {@code order} describes
     * @param total     how many the source holds, or -1 when its port cannot count them
     * @param writer    writes a record the target lacks (or holds otherwise) as the ports allow: insert if absent,
     *                  upsert if newer, restore exactly
     * @param remover   deletes the target's record under the key of the given one
     * @param key       the record's identity, as reports name it
     * @param order     the record's position in every store's listing, as parts compared one after the other in
     *                  code point order (the stores sort {@code COLLATE "C"}); for most types the key itself
     * @param inSource  null when {@code order} is the key; otherwise a lookup by key, asked before a record met only
     *                  in the target is removed (its position may differ between the stores: the inbox lists by
     *                  the time an event was received, then its id in the store's collation)
     * @param canonical the canonical form: what is verified and what decides whether a record changed
     */
    record Kind<T>(
            MigrationRecordType type,
            Lister<T> lister,
            ToLongFunction<BillingStores> total,
            Writer<T> writer,
            Remover<T> remover,
            Function<T, String> key,
            Function<T, List<String>> order,
            Finder<T> inSource,
            Function<T, String> canonical) {}

    /** Every record type, in copy order. */
    static List<Kind<?>> all() {
        return List.of(
                new Kind<CustomerLink>(
                        MigrationRecordType.CUSTOMER_LINKS,
                        (s, c, l) -> s.customers().list(c, l),
                        s -> s.customers().count(),
                        MigrationRecords::link,
                        (t, r) -> t.customers().remove(r.userId()),
                        l -> l.userId().value(),
                        l -> List.of(l.userId().value()),
                        null,
                        CanonicalForms::canonical),
                new Kind<Subscription>(
                        MigrationRecordType.SUBSCRIPTIONS,
                        (s, c, l) -> s.subscriptions().listSubscriptions(c, l),
                        s -> s.subscriptions().countSubscriptions(),
                        (t, r, alone) -> upsert(t.subscriptions().upsertSubscription(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removeSubscription(r.id()),
                        Subscription::id,
                        r -> List.of(r.id()),
                        null,
                        CanonicalForms::canonical),
                new Kind<Invoice>(
                        MigrationRecordType.INVOICES,
                        (s, c, l) -> s.subscriptions().listInvoices(c, l),
                        s -> s.subscriptions().countInvoices(),
                        (t, r, alone) -> upsert(t.subscriptions().upsertInvoice(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removeInvoice(r.id()),
                        Invoice::id,
                        r -> List.of(r.id()),
                        null,
                        CanonicalForms::canonical),
                new Kind<Purchase>(
                        MigrationRecordType.PURCHASES,
                        (s, c, l) -> s.subscriptions().listPurchases(c, l),
                        s -> s.subscriptions().countPurchases(),
                        (t, r, alone) -> inserted(t.subscriptions().recordPurchase(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removePurchase(r.id()),
                        Purchase::id,
                        r -> List.of(r.id()),
                        null,
                        CanonicalForms::canonical),
                new Kind<InboxEntry>(
                        MigrationRecordType.INBOX_ENTRIES,
                        (s, c, l) -> s.inbox().list(null, c, l),
                        s -> s.inbox().countByStatus().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        (t, r, alone) -> inserted(t.inbox().restore(r)),
                        (t, r) -> t.inbox().remove(r.eventId()),
                        InboxEntry::eventId,
                        e -> List.of(descending(micros(e.receivedAt())), e.eventId()),
                        (s, r) -> s.inbox().find(r.eventId()).isPresent(),
                        CanonicalForms::canonical),
                new Kind<UsageCounter>(
                        MigrationRecordType.USAGE_COUNTERS,
                        (s, c, l) -> s.usage().listCounters(c, l),
                        s -> -1,
                        (t, r, alone) -> inserted(t.usage().restoreCounter(r)),
                        (t, r) -> t.usage()
                                .removeCounter(r.userId(), r.meter(), r.period().start()),
                        c -> c.userId().value() + " / " + c.meter() + " / "
                                + c.period().start(),
                        c -> List.of(
                                c.userId().value(),
                                c.meter(),
                                ascending(micros(c.period().start()))),
                        null,
                        CanonicalForms::canonical),
                new Kind<UsageKey>(
                        MigrationRecordType.USAGE_KEYS,
                        (s, c, l) -> s.usage().listKeys(c, l),
                        s -> -1,
                        (t, r, alone) -> inserted(t.usage().restoreKey(r)),
                        (t, r) -> t.usage().removeKey(r.userId(), r.idempotencyKey()),
                        k -> k.userId().value() + " / " + k.idempotencyKey(),
                        k -> List.of(k.userId().value(), k.idempotencyKey()),
                        null,
                        CanonicalForms::canonical),
                new Kind<MeterReport>(
                        MigrationRecordType.METER_REPORTS,
                        (s, c, l) -> s.usage().listReports(c, l),
                        s -> -1,
                        (t, r, alone) -> inserted(t.usage().restoreReport(r)),
                        (t, r) -> t.usage().removeReport(r.identifier()),
                        MeterReport::identifier,
                        r -> List.of(r.identifier()),
                        null,
                        CanonicalForms::canonical),
                new Kind<OrgMember>(
                        MigrationRecordType.MEMBERSHIPS,
                        (s, c, l) -> s.memberships().list(c, l),
                        s -> s.memberships().count(),
                        (t, r, alone) -> inserted(t.memberships().restore(r)),
                        (t, r) -> t.memberships().remove(r.orgId(), r.userId()),
                        m -> m.orgId() + " / " + m.userId().value(),
                        m -> List.of(m.orgId(), m.userId().value()),
                        null,
                        CanonicalForms::canonical),
                new Kind<GuestPurchase>(
                        MigrationRecordType.GUEST_PURCHASES,
                        (s, c, l) -> s.guests().list(c, l),
                        s -> s.guests().count(),
                        (t, r, alone) -> inserted(t.guests().restore(r)),
                        (t, r) -> t.guests().remove(r.sessionId()),
                        GuestPurchase::sessionId,
                        g -> List.of(g.sessionId()),
                        null,
                        CanonicalForms::canonical),
                new Kind<PaymentRefund>(
                        MigrationRecordType.REFUNDS,
                        (s, c, l) -> s.subscriptions().listRefunds(c, l),
                        s -> s.subscriptions().countRefunds(),
                        (t, r, alone) -> upsert(t.subscriptions().upsertRefund(r)),
                        (t, r) -> t.subscriptions().removeRefund(r.id()),
                        PaymentRefund::id,
                        r -> List.of(r.id()),
                        null,
                        CanonicalForms::canonical),
                new Kind<InvoicePayment>(
                        MigrationRecordType.INVOICE_PAYMENTS,
                        (s, c, l) -> s.subscriptions().listInvoicePayments(c, l),
                        s -> s.subscriptions().countInvoicePayments(),
                        (t, r, alone) -> inserted(t.subscriptions().recordInvoicePayment(r)),
                        (t, r) -> t.subscriptions().removeInvoicePayment(r),
                        p -> p.invoiceId() + " / " + p.paymentIntentId(),
                        p -> List.of(p.invoiceId(), p.paymentIntentId()),
                        null,
                        CanonicalForms::canonical),
                new Kind<AuditEntry>(
                        MigrationRecordType.AUDIT_ENTRIES,
                        MigrationRecords::auditEntries,
                        s -> -1,
                        (t, r, alone) -> inserted(t.audit().restore(r)),
                        (t, r) -> t.audit().remove(r.id()),
                        e -> Long.toString(e.id()),
                        e -> List.of(descending(e.id())),
                        null,
                        CanonicalForms::canonical),
                new Kind<NoticeEntry>(
                        MigrationRecordType.NOTICES,
                        MigrationRecords::notices,
                        s -> -1,
                        (t, r, alone) -> inserted(t.notices().restore(r)),
                        (t, r) -> t.notices().remove(r.id()),
                        e -> Long.toString(e.id()),
                        e -> List.of(descending(e.id())),
                        null,
                        CanonicalForms::canonical),
                new Kind<ServiceKey>(
                        MigrationRecordType.SERVICE_KEYS,
                        (s, c, l) -> s.serviceKeys().list(c, l),
                        s -> s.serviceKeys().count(),
                        (t, r, alone) -> inserted(t.serviceKeys().restore(r)),
                        (t, r) -> t.serviceKeys().remove(r.id()),
                        ServiceKey::id,
                        k -> List.of(k.id()),
                        null,
                        CanonicalForms::canonical));
    }

    /** Compares order keys part by part, each in code point order ({@code COLLATE "C"} on UTF-8). */
    static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareCodePoints(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** A number as an order key part that sorts as the number does (fixed-width hex, sign bit flipped). */
    static String ascending(long value) {
        return hex(value ^ Long.MIN_VALUE);
    }

    /** A number as an order key part that sorts the other way round (newest first). */
    static String descending(long value) {
        return hex(value ^ Long.MAX_VALUE);
    }

    private static String hex(long bits) {
        String hex = Long.toHexString(bits);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** Whole microseconds: the precision the stores keep and order by. */
    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /**
     * Up to {@code limit} entries, newest first, below the cursor's id: the log's own keyset, in pages of the most
     * it lists at once.
     */
    private static Page<AuditEntry> auditEntries(BillingStores stores, String cursor, int limit) {
        List<AuditEntry> items = new ArrayList<>();
        String next = cursor;
        Page<AuditEntry> page;
        do {
            int want = Math.min(AuditQuery.MAX_LIMIT, limit - items.size());
            page = stores.audit().list(AuditQuery.all(want).after(next));
            items.addAll(page.items());
            next = page.nextCursor();
        } while (page.hasMore() && items.size() < limit);
        return new Page<>(items, page.hasMore(), page.hasMore() ? next : null);
    }

    /** As {@link #auditEntries}, for the notice log. */
    private static Page<NoticeEntry> notices(BillingStores stores, String cursor, int limit) {
        List<NoticeEntry> items = new ArrayList<>();
        String next = cursor;
        Page<NoticeEntry> page;
        do {
            int want = Math.min(NoticeQuery.MAX_LIMIT, limit - items.size());
            page = stores.notices().list(NoticeQuery.all(want).after(next));
            items.addAll(page.items());
            next = page.nextCursor();
        } while (page.hasMore() && items.size() < limit);
        return new Page<>(items, page.hasMore(), page.hasMore() ? next : null);
    }

    /**
     * A customer has one link in the source, so a target link holding this one's customer under another user is not
     * the source's: an erasure moved it to a pseudonym. It is removed, and the link written in its place.
     */
    private static Outcome link(BillingStores target, CustomerLink link, boolean alone) {
        LinkResult result = target.customers().link(link, MIGRATION);
        if (result instanceof LinkResult.Linked) {
            return Outcome.WRITTEN;
        }
        if (result instanceof LinkResult.CustomerAlreadyLinked taken
                && !taken.link().userId().equals(link.userId())) {
            // That user's own write may be running beside this one: removing its link then could remove the link
            // it just wrote. Alone, the link found is the one to remove.
            if (!alone) {
                return Outcome.HELD_BY_ANOTHER;
            }
            if (target.customers().remove(taken.link().userId())) {
                return target.customers().link(link, MIGRATION) instanceof LinkResult.Linked
                        ? Outcome.WRITTEN_AFTER_REMOVING
                        : Outcome.CONFLICT;
            }
        }
        return result.link().equals(link) ? Outcome.ALREADY_PRESENT : Outcome.CONFLICT;
    }

    private static Outcome upsert(UpsertResult result) {
        return switch (result) {
            case APPLIED -> Outcome.WRITTEN;
            case SAME_VERSION -> Outcome.ALREADY_PRESENT;
            case STALE -> Outcome.CONFLICT;
        };
    }

    private static Outcome inserted(boolean stored) {
        return stored ? Outcome.WRITTEN : Outcome.ALREADY_PRESENT;
    }
}
