package dev.billing.postgres;

import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.InvoicePayment;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.statement.Update;

/**
 * The ports' {@code remove*} methods on Postgres: one {@code DELETE} by primary key each, for a store-to-store copy
 * (MigrateStores) that makes this store equal to its source. No trigger fires on a delete (the audit triggers of
 * V8, V11 and V17 watch inserts and updates), so a removal adds nothing to the audit trail: the copy brings the
 * source's own entries.
 */
final class JdbiRemovals {
    private final Db db;
    private final String link;
    private final String subscription;
    private final String invoice;
    private final String purchase;
    private final String refund;
    private final String invoicePayment;
    private final String inboxEntry;
    private final String counter;
    private final String key;
    private final String report;
    private final String member;
    private final String guest;
    private final String auditEntry;
    private final String notice;

    JdbiRemovals(Db db) {
        this.db = db;
        this.link = db.sql("DELETE FROM {schema}.customers WHERE user_id = :user");
        this.subscription = db.sql("DELETE FROM {schema}.subscriptions WHERE id = :id");
        this.invoice = db.sql("DELETE FROM {schema}.invoices WHERE id = :id");
        this.purchase = db.sql("DELETE FROM {schema}.purchases WHERE id = :id");
        this.refund = db.sql("DELETE FROM {schema}.refunds WHERE id = :id");
        this.invoicePayment = db.sql("""
                DELETE FROM {schema}.invoice_payments WHERE invoice_id = :invoice AND payment_intent_id = :intent
                """);
        this.inboxEntry = db.sql("DELETE FROM {schema}.webhook_inbox WHERE event_id = :id");
        this.counter = db.sql("""
                DELETE FROM {schema}.usage_counters WHERE user_id = :user AND meter = :meter AND period_start = :start
                """);
        this.key = db.sql("DELETE FROM {schema}.usage_keys WHERE user_id = :user AND idempotency_key = :key");
        this.report = db.sql("DELETE FROM {schema}.meter_reports WHERE identifier = :id");
        this.member = db.sql("DELETE FROM {schema}.org_members WHERE org_id = :org AND user_id = :user");
        this.guest = db.sql("DELETE FROM {schema}.guest_purchases WHERE session_id = :id");
        this.auditEntry = db.sql("DELETE FROM {schema}.audit_log WHERE id = :id");
        this.notice = db.sql("DELETE FROM {schema}.notice_log WHERE id = :id");
    }

    boolean link(UserId user) {
        return delete("customers.remove", link, u -> u.bind("user", user.value()));
    }

    boolean subscription(String id) {
        return delete("subscriptions.removeSubscription", subscription, u -> u.bind("id", id));
    }

    boolean invoice(String id) {
        return delete("subscriptions.removeInvoice", invoice, u -> u.bind("id", id));
    }

    boolean purchase(String id) {
        return delete("subscriptions.removePurchase", purchase, u -> u.bind("id", id));
    }

    boolean refund(String id) {
        return delete("subscriptions.removeRefund", refund, u -> u.bind("id", id));
    }

    boolean invoicePayment(InvoicePayment payment) {
        return delete(
                "subscriptions.removeInvoicePayment",
                invoicePayment,
                u -> u.bind("invoice", payment.invoiceId()).bind("intent", payment.paymentIntentId()));
    }

    boolean inboxEntry(String eventId) {
        return delete("inbox.remove", inboxEntry, u -> u.bind("id", eventId));
    }

    boolean counter(UserId user, String meter, Instant periodStart) {
        return delete(
                "usage.removeCounter",
                counter,
                u -> u.bind("user", user.value())
                        .bind("meter", meter)
                        .bindByType("start", Db.ts(periodStart), OffsetDateTime.class));
    }

    boolean key(UserId user, String idempotencyKey) {
        return delete("usage.removeKey", key, u -> u.bind("user", user.value()).bind("key", idempotencyKey));
    }

    boolean report(String identifier) {
        return delete("usage.removeReport", report, u -> u.bind("id", identifier));
    }

    boolean member(String orgId, UserId user) {
        return delete("memberships.remove", member, u -> u.bind("org", orgId).bind("user", user.value()));
    }

    boolean guest(String sessionId) {
        return delete("guests.remove", guest, u -> u.bind("id", sessionId));
    }

    boolean auditEntry(long id) {
        return delete("audit.remove", auditEntry, u -> u.bind("id", id));
    }

    boolean notice(long id) {
        return delete("notices.remove", notice, u -> u.bind("id", id));
    }

    private boolean delete(String operation, String sql, UnaryOperator<Update> bind) {
        return db.call(operation, h -> bind.apply(h.createUpdate(sql)).execute() == 1);
    }
}
