package dev.billing.core.migration;

import dev.billing.core.model.migration.MigrationRecordType;

import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.core.model.UpsertResult;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * How {@link MigrateStores} reads, writes, removes, identifies, orders and fingerprints each record type, through the
 * ports only: one {@link Kind} per type, in {@link #all()}, is the one place a record type is described (a new field
 * goes into its canonical form, a new key into its key and order).
 *
 * <p>The canonical form of a record (what its checksum is computed over) is, in UTF-8: the record type's wire
 * name and {@code |}, then every field of the record in the fixed order below, each as
 * {@code name:<length>:<value>;} ({@code length} in UTF-8 bytes) or {@code name:-;} for null. Values: text as
 * stored; numbers in decimal; booleans {@code true}/{@code false}; instants as {@code <epochSecond>.<9-digit
 * nanos>}; statuses by their Stripe/wire names; a {@link dev.billing.core.model.SourceVersion} by its
 * {@code key()}; metadata as the canonical form of its entries sorted by key ({@code k:..;v:..;} pairs). Field
 * orders:
 * <ul>
 *   <li>customer_links: user_id, customer_id, email, created_at</li>
 *   <li>subscriptions: id, customer_id, status, price_id, quantity, current_period_start, current_period_end,
 *       cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end, created, metadata,
 *       version</li>
 *   <li>invoices: id, customer_id, subscription_id, status, number, currency, amount_due, amount_paid,
 *       amount_remaining, hosted_invoice_url, invoice_pdf, billing_reason, period_start, period_end, created,
 *       version</li>
 *   <li>purchases: id, customer_id, price_id, quantity, currency, amount_total, payment_intent_id,
 *       purchased_at</li>
 *   <li>inbox_entries: event_id, type, created, livemode, api_version, object_id, object_type, payload, status,
 *       attempts, last_error, received_at, next_attempt_at, lease_owner, lease_expires_at, processed_at,
 *       notified_at, subject_id (the payload as the store returns it: Supabase returns jsonb's text, Postgres the text it was given)</li>
 *   <li>usage_counters: user_id, meter, period_start, period_end, used, updated_at</li>
 *   <li>usage_keys: user_id, idempotency_key, meter, period_start, fingerprint, amount, used_after, limit,
 *       created_at</li>
 *   <li>meter_reports: identifier, event_name, customer_id, value, timestamp, attempts, last_error,
 *       next_attempt_at, reported_at</li>
 *   <li>memberships: org_id, user_id, role, active, changed_at, event_id, membership_id</li>
 *   <li>guest_purchases: session_id, email, price_id, quantity, currency, amount_total, customer_id, purchased_at,
 *       claimed_by, claimed_at</li>
 *   <li>refunds: id, customer_id, charge_id, payment_intent_id, amount, currency, status, reason, created,
 *       version</li>
 *   <li>invoice_payments: invoice_id, payment_intent_id</li>
 *   <li>audit_entries: id, recorded_at, action (its wire name), entity_id, user_id, customer_id, cause (its text),
 *       detail</li>
 *   <li>notices: id, event_id, kind, user_id, customer_id, status, message_id, error, at</li>
 * </ul>
 */
final class MigrationRecords {
    /**
     * The cause of the copy's projection writes: the target records no audit entry for them, so that its trail is
     * exactly the source's, copied as {@code audit_entries} with their own ids, times and causes.
     */
    private static final AuditCause MIGRATION = AuditCause.MIGRATION;
    private MigrationRecords() {
    }

    /** What writing one record to the target did. */
    enum Outcome {
        WRITTEN,
        /** Written once another record that stood in its way was removed (the old link of its customer). */
        WRITTEN_AFTER_REMOVING,
        ALREADY_PRESENT,
        CONFLICT
    }

    /** Lists one page of records of a type. */
    @FunctionalInterface
    interface Lister<T> {
        Page<T> list(BillingStores stores, String cursor, int limit);
    }

    /** Writes one record to the target, idempotently. */
    @FunctionalInterface
    interface Writer<T> {
        Outcome write(BillingStores target, T record);
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
    record Kind<T>(MigrationRecordType type, Lister<T> lister, ToLongFunction<BillingStores> total, Writer<T> writer,
                   Remover<T> remover, Function<T, String> key, Function<T, List<String>> order, Finder<T> inSource,
                   Function<T, String> canonical) {
    }

    /** Every record type, in copy order. */
    static List<Kind<?>> all() {
        return List.of(
                new Kind<CustomerLink>(MigrationRecordType.CUSTOMER_LINKS,
                        (s, c, l) -> s.customers().list(c, l), s -> s.customers().count(),
                        MigrationRecords::link, (t, r) -> t.customers().remove(r.userId()),
                        l -> l.userId().value(), l -> List.of(l.userId().value()), null, MigrationRecords::canonical),
                new Kind<Subscription>(MigrationRecordType.SUBSCRIPTIONS,
                        (s, c, l) -> s.subscriptions().listSubscriptions(c, l), s -> s.subscriptions().countSubscriptions(),
                        (t, r) -> upsert(t.subscriptions().upsertSubscription(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removeSubscription(r.id()), Subscription::id,
                        r -> List.of(r.id()), null, MigrationRecords::canonical),
                new Kind<Invoice>(MigrationRecordType.INVOICES,
                        (s, c, l) -> s.subscriptions().listInvoices(c, l), s -> s.subscriptions().countInvoices(),
                        (t, r) -> upsert(t.subscriptions().upsertInvoice(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removeInvoice(r.id()), Invoice::id, r -> List.of(r.id()), null,
                        MigrationRecords::canonical),
                new Kind<Purchase>(MigrationRecordType.PURCHASES,
                        (s, c, l) -> s.subscriptions().listPurchases(c, l), s -> s.subscriptions().countPurchases(),
                        (t, r) -> inserted(t.subscriptions().recordPurchase(r, MIGRATION)),
                        (t, r) -> t.subscriptions().removePurchase(r.id()), Purchase::id, r -> List.of(r.id()), null,
                        MigrationRecords::canonical),
                new Kind<InboxEntry>(MigrationRecordType.INBOX_ENTRIES,
                        (s, c, l) -> s.inbox().list(null, c, l),
                        s -> s.inbox().countByStatus().values().stream().mapToLong(Long::longValue).sum(),
                        (t, r) -> inserted(t.inbox().restore(r)), (t, r) -> t.inbox().remove(r.eventId()),
                        InboxEntry::eventId, e -> List.of(descending(micros(e.receivedAt())), e.eventId()),
                        (s, r) -> s.inbox().find(r.eventId()).isPresent(), MigrationRecords::canonical),
                new Kind<UsageCounter>(MigrationRecordType.USAGE_COUNTERS,
                        (s, c, l) -> s.usage().listCounters(c, l), s -> -1,
                        (t, r) -> inserted(t.usage().restoreCounter(r)),
                        (t, r) -> t.usage().removeCounter(r.userId(), r.meter(), r.period().start()),
                        c -> c.userId().value() + " / " + c.meter() + " / " + c.period().start(),
                        c -> List.of(c.userId().value(), c.meter(), ascending(micros(c.period().start()))), null,
                        MigrationRecords::canonical),
                new Kind<UsageKey>(MigrationRecordType.USAGE_KEYS,
                        (s, c, l) -> s.usage().listKeys(c, l), s -> -1,
                        (t, r) -> inserted(t.usage().restoreKey(r)),
                        (t, r) -> t.usage().removeKey(r.userId(), r.idempotencyKey()),
                        k -> k.userId().value() + " / " + k.idempotencyKey(),
                        k -> List.of(k.userId().value(), k.idempotencyKey()), null, MigrationRecords::canonical),
                new Kind<MeterReport>(MigrationRecordType.METER_REPORTS,
                        (s, c, l) -> s.usage().listReports(c, l), s -> -1,
                        (t, r) -> inserted(t.usage().restoreReport(r)),
                        (t, r) -> t.usage().removeReport(r.identifier()), MeterReport::identifier,
                        r -> List.of(r.identifier()), null, MigrationRecords::canonical),
                new Kind<OrgMember>(MigrationRecordType.MEMBERSHIPS,
                        (s, c, l) -> s.memberships().list(c, l), s -> s.memberships().count(),
                        (t, r) -> inserted(t.memberships().restore(r)),
                        (t, r) -> t.memberships().remove(r.orgId(), r.userId()),
                        m -> m.orgId() + " / " + m.userId().value(), m -> List.of(m.orgId(), m.userId().value()),
                        null, MigrationRecords::canonical),
                new Kind<GuestPurchase>(MigrationRecordType.GUEST_PURCHASES,
                        (s, c, l) -> s.guests().list(c, l), s -> s.guests().count(),
                        (t, r) -> inserted(t.guests().restore(r)), (t, r) -> t.guests().remove(r.sessionId()),
                        GuestPurchase::sessionId, g -> List.of(g.sessionId()), null, MigrationRecords::canonical),
                new Kind<PaymentRefund>(MigrationRecordType.REFUNDS,
                        (s, c, l) -> s.subscriptions().listRefunds(c, l), s -> s.subscriptions().countRefunds(),
                        (t, r) -> upsert(t.subscriptions().upsertRefund(r)),
                        (t, r) -> t.subscriptions().removeRefund(r.id()), PaymentRefund::id, r -> List.of(r.id()),
                        null, MigrationRecords::canonical),
                new Kind<InvoicePayment>(MigrationRecordType.INVOICE_PAYMENTS,
                        (s, c, l) -> s.subscriptions().listInvoicePayments(c, l),
                        s -> s.subscriptions().countInvoicePayments(),
                        (t, r) -> inserted(t.subscriptions().recordInvoicePayment(r)),
                        (t, r) -> t.subscriptions().removeInvoicePayment(r),
                        p -> p.invoiceId() + " / " + p.paymentIntentId(),
                        p -> List.of(p.invoiceId(), p.paymentIntentId()), null, MigrationRecords::canonical),
                new Kind<AuditEntry>(MigrationRecordType.AUDIT_ENTRIES, MigrationRecords::auditEntries, s -> -1,
                        (t, r) -> inserted(t.audit().restore(r)), (t, r) -> t.audit().remove(r.id()),
                        e -> Long.toString(e.id()), e -> List.of(descending(e.id())), null,
                        MigrationRecords::canonical),
                new Kind<NoticeEntry>(MigrationRecordType.NOTICES, MigrationRecords::notices, s -> -1,
                        (t, r) -> inserted(t.notices().restore(r)), (t, r) -> t.notices().remove(r.id()),
                        e -> Long.toString(e.id()), e -> List.of(descending(e.id())), null,
                        MigrationRecords::canonical));
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
    private static Outcome link(BillingStores target, CustomerLink link) {
        LinkResult result = target.customers().link(link, MIGRATION);
        if (result instanceof LinkResult.Linked) {
            return Outcome.WRITTEN;
        }
        if (result instanceof LinkResult.CustomerAlreadyLinked taken && !taken.link().userId().equals(link.userId())
                && target.customers().remove(taken.link().userId())) {
            return target.customers().link(link, MIGRATION) instanceof LinkResult.Linked
                    ? Outcome.WRITTEN_AFTER_REMOVING : Outcome.CONFLICT;
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

    static String canonical(CustomerLink l) {
        return new Canon(MigrationRecordType.CUSTOMER_LINKS).text("user_id", l.userId().value())
                .text("customer_id", l.customerId().value()).text("email", l.email()).instant("created_at", l.createdAt())
                .build();
    }

    static String canonical(Subscription s) {
        return new Canon(MigrationRecordType.SUBSCRIPTIONS).text("id", s.id()).text("customer_id", s.customerId().value())
                .text("status", s.status().stripeName()).text("price_id", s.priceId()).number("quantity", s.quantity())
                .instant("current_period_start", s.currentPeriodStart())
                .instant("current_period_end", s.currentPeriodEnd())
                .bool("cancel_at_period_end", s.cancelAtPeriodEnd()).instant("cancel_at", s.cancelAt())
                .instant("canceled_at", s.canceledAt()).instant("ended_at", s.endedAt())
                .instant("trial_start", s.trialStart()).instant("trial_end", s.trialEnd())
                .instant("created", s.created()).map("metadata", s.metadata()).number("version", s.version().key())
                .build();
    }

    static String canonical(Invoice i) {
        return new Canon(MigrationRecordType.INVOICES).text("id", i.id()).text("customer_id", i.customerId().value())
                .text("subscription_id", i.subscriptionId()).text("status", i.status().stripeName())
                .text("number", i.number()).text("currency", i.currency()).number("amount_due", i.amountDue())
                .number("amount_paid", i.amountPaid()).number("amount_remaining", i.amountRemaining())
                .text("hosted_invoice_url", i.hostedInvoiceUrl()).text("invoice_pdf", i.invoicePdf())
                .text("billing_reason", i.billingReason()).instant("period_start", i.periodStart())
                .instant("period_end", i.periodEnd()).instant("created", i.created())
                .number("version", i.version().key()).build();
    }

    static String canonical(Purchase p) {
        return new Canon(MigrationRecordType.PURCHASES).text("id", p.id()).text("customer_id", p.customerId().value())
                .text("price_id", p.priceId()).number("quantity", p.quantity()).text("currency", p.currency())
                .number("amount_total", p.amountTotal()).text("payment_intent_id", p.paymentIntentId())
                .instant("purchased_at", p.purchasedAt()).build();
    }

    static String canonical(InvoicePayment p) {
        return new Canon(MigrationRecordType.INVOICE_PAYMENTS).text("invoice_id", p.invoiceId())
                .text("payment_intent_id", p.paymentIntentId()).build();
    }

    static String canonical(PaymentRefund r) {
        return new Canon(MigrationRecordType.REFUNDS).text("id", r.id()).text("customer_id", r.customerId().value())
                .text("charge_id", r.chargeId()).text("payment_intent_id", r.paymentIntentId())
                .number("amount", r.amount()).text("currency", r.currency()).text("status", r.status())
                .text("reason", r.reason()).instant("created", r.created()).number("version", r.version().key())
                .build();
    }

    static String canonical(AuditEntry e) {
        return new Canon(MigrationRecordType.AUDIT_ENTRIES).number("id", e.id()).instant("recorded_at", e.recordedAt())
                .text("action", e.action().wireName()).text("entity_id", e.entityId())
                .text("user_id", e.userId() == null ? null : e.userId().value())
                .text("customer_id", e.customerId() == null ? null : e.customerId().value())
                .text("cause", e.cause() == null ? null : e.cause().text()).map("detail", e.detail()).build();
    }

    static String canonical(NoticeEntry n) {
        NoticeRecord r = n.record();
        return new Canon(MigrationRecordType.NOTICES).number("id", n.id()).text("event_id", r.eventId())
                .text("kind", r.kind().wireName()).text("user_id", r.userId().value())
                .text("customer_id", r.customerId() == null ? null : r.customerId().value())
                .text("status", r.status().wireName()).text("message_id", r.messageId()).text("error", r.error())
                .instant("at", r.at()).build();
    }

    static String canonical(InboxEntry e) {
        StripeEvent event = e.event();
        return new Canon(MigrationRecordType.INBOX_ENTRIES).text("event_id", event.id()).text("type", event.type())
                .instant("created", event.created()).bool("livemode", event.livemode())
                .text("api_version", event.apiVersion()).text("object_id", event.objectId())
                .text("object_type", event.objectType()).text("payload", event.payload())
                .text("status", e.status().wireName()).number("attempts", e.attempts())
                .text("last_error", e.lastError()).instant("received_at", e.receivedAt())
                .instant("next_attempt_at", e.nextAttemptAt()).text("lease_owner", e.leaseOwner())
                .instant("lease_expires_at", e.leaseExpiresAt()).instant("processed_at", e.processedAt())
                .instant("notified_at", e.notifiedAt()).text("subject_id", event.subjectId()).build();
    }

    static String canonical(UsageCounter c) {
        return new Canon(MigrationRecordType.USAGE_COUNTERS).text("user_id", c.userId().value()).text("meter", c.meter())
                .instant("period_start", c.period().start()).instant("period_end", c.period().end())
                .number("used", c.used()).instant("updated_at", c.updatedAt()).build();
    }

    static String canonical(OrgMember m) {
        return new Canon(MigrationRecordType.MEMBERSHIPS).text("org_id", m.orgId()).text("user_id", m.userId().value())
                .text("role", m.role()).bool("active", m.active()).instant("changed_at", m.changedAt())
                .text("event_id", m.eventId()).text("membership_id", m.membershipId()).build();
    }

    static String canonical(GuestPurchase g) {
        return new Canon(MigrationRecordType.GUEST_PURCHASES).text("session_id", g.sessionId())
                .text("email", g.email()).text("price_id", g.priceId()).number("quantity", g.quantity())
                .text("currency", g.currency()).number("amount_total", g.amountTotal())
                .text("customer_id", g.customerId() == null ? null : g.customerId().value())
                .instant("purchased_at", g.purchasedAt())
                .text("claimed_by", g.claimedBy() == null ? null : g.claimedBy().value())
                .instant("claimed_at", g.claimedAt()).build();
    }

    static String canonical(UsageKey k) {
        return new Canon(MigrationRecordType.USAGE_KEYS).text("user_id", k.userId().value())
                .text("idempotency_key", k.idempotencyKey()).text("meter", k.meter())
                .instant("period_start", k.periodStart()).text("fingerprint", k.fingerprint())
                .number("amount", k.amount()).number("used_after", k.usedAfter()).number("limit", k.limit())
                .instant("created_at", k.createdAt()).build();
    }

    static String canonical(MeterReport r) {
        return new Canon(MigrationRecordType.METER_REPORTS).text("identifier", r.identifier())
                .text("event_name", r.event().eventName()).text("customer_id", r.event().customerId().value())
                .number("value", r.event().value()).instant("timestamp", r.event().timestamp())
                .number("attempts", r.attempts()).text("last_error", r.lastError())
                .instant("next_attempt_at", r.nextAttemptAt()).instant("reported_at", r.reportedAt()).build();
    }

    /** Builds a canonical form: {@code type|name:len:value;name:-;...}. */
    static final class Canon {
        private final StringBuilder text;

        Canon(MigrationRecordType type) {
            this.text = new StringBuilder(type.wireName()).append('|');
        }

        private Canon() {
            this.text = new StringBuilder();
        }

        Canon text(String name, String value) {
            text.append(name).append(':');
            if (value == null) {
                text.append('-');
            } else {
                text.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
            }
            text.append(';');
            return this;
        }

        Canon number(String name, long value) {
            return text(name, Long.toString(value));
        }

        Canon bool(String name, boolean value) {
            return text(name, Boolean.toString(value));
        }

        Canon instant(String name, Instant value) {
            if (value == null) {
                return text(name, null);
            }
            String nanos = Integer.toString(value.getNano());
            return text(name, value.getEpochSecond() + "." + "000000000".substring(nanos.length()) + nanos);
        }

        Canon map(String name, Map<String, String> values) {
            Canon entries = new Canon();
            new TreeMap<>(values).forEach((k, v) -> entries.text("k", k).text("v", v));
            return text(name, entries.build());
        }

        String build() {
            return text.toString();
        }
    }
}
