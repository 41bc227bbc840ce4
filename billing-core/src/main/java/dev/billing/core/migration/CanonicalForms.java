package dev.billing.core.migration;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each record type's canonical form, for {@link MigrationRecords}: what the verification checksums and what decides
 * whether a record changed.
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
 *       version, past_due_since</li>
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
final class CanonicalForms {
    private CanonicalForms() {}

    static String canonical(CustomerLink l) {
        return new Canon(MigrationRecordType.CUSTOMER_LINKS)
                .text("user_id", l.userId().value())
                .text("customer_id", l.customerId().value())
                .text("email", l.email())
                .instant("created_at", l.createdAt())
                .build();
    }

    static String canonical(Subscription s) {
        return new Canon(MigrationRecordType.SUBSCRIPTIONS)
                .text("id", s.id())
                .text("customer_id", s.customerId().value())
                .text("status", s.status().stripeName())
                .text("price_id", s.priceId())
                .number("quantity", s.quantity())
                .instant("current_period_start", s.currentPeriodStart())
                .instant("current_period_end", s.currentPeriodEnd())
                .bool("cancel_at_period_end", s.cancelAtPeriodEnd())
                .instant("cancel_at", s.cancelAt())
                .instant("canceled_at", s.canceledAt())
                .instant("ended_at", s.endedAt())
                .instant("trial_start", s.trialStart())
                .instant("trial_end", s.trialEnd())
                .instant("created", s.created())
                .map("metadata", s.metadata())
                .number("version", s.version().key())
                .instant("past_due_since", s.pastDueSince())
                .build();
    }

    static String canonical(Invoice i) {
        return new Canon(MigrationRecordType.INVOICES)
                .text("id", i.id())
                .text("customer_id", i.customerId().value())
                .text("subscription_id", i.subscriptionId())
                .text("status", i.status().stripeName())
                .text("number", i.number())
                .text("currency", i.currency())
                .number("amount_due", i.amountDue())
                .number("amount_paid", i.amountPaid())
                .number("amount_remaining", i.amountRemaining())
                .text("hosted_invoice_url", i.hostedInvoiceUrl())
                .text("invoice_pdf", i.invoicePdf())
                .text("billing_reason", i.billingReason())
                .instant("period_start", i.periodStart())
                .instant("period_end", i.periodEnd())
                .instant("created", i.created())
                .number("version", i.version().key())
                .build();
    }

    static String canonical(Purchase p) {
        return new Canon(MigrationRecordType.PURCHASES)
                .text("id", p.id())
                .text("customer_id", p.customerId().value())
                .text("price_id", p.priceId())
                .number("quantity", p.quantity())
                .text("currency", p.currency())
                .number("amount_total", p.amountTotal())
                .text("payment_intent_id", p.paymentIntentId())
                .instant("purchased_at", p.purchasedAt())
                .build();
    }

    static String canonical(InvoicePayment p) {
        return new Canon(MigrationRecordType.INVOICE_PAYMENTS)
                .text("invoice_id", p.invoiceId())
                .text("payment_intent_id", p.paymentIntentId())
                .build();
    }

    static String canonical(PaymentRefund r) {
        return new Canon(MigrationRecordType.REFUNDS)
                .text("id", r.id())
                .text("customer_id", r.customerId().value())
                .text("charge_id", r.chargeId())
                .text("payment_intent_id", r.paymentIntentId())
                .number("amount", r.amount())
                .text("currency", r.currency())
                .text("status", r.status())
                .text("reason", r.reason())
                .instant("created", r.created())
                .number("version", r.version().key())
                .build();
    }

    static String canonical(AuditEntry e) {
        return new Canon(MigrationRecordType.AUDIT_ENTRIES)
                .number("id", e.id())
                .instant("recorded_at", e.recordedAt())
                .text("action", e.action().wireName())
                .text("entity_id", e.entityId())
                .text("user_id", e.userId() == null ? null : e.userId().value())
                .text(
                        "customer_id",
                        e.customerId() == null ? null : e.customerId().value())
                .text("cause", e.cause() == null ? null : e.cause().text())
                .map("detail", e.detail())
                .build();
    }

    static String canonical(NoticeEntry n) {
        NoticeRecord r = n.record();
        return new Canon(MigrationRecordType.NOTICES)
                .number("id", n.id())
                .text("event_id", r.eventId())
                .text("kind", r.kind().wireName())
                .text("user_id", r.userId().value())
                .text(
                        "customer_id",
                        r.customerId() == null ? null : r.customerId().value())
                .text("status", r.status().wireName())
                .text("message_id", r.messageId())
                .text("error", r.error())
                .instant("at", r.at())
                .build();
    }

    static String canonical(InboxEntry e) {
        StripeEvent event = e.event();
        return new Canon(MigrationRecordType.INBOX_ENTRIES)
                .text("event_id", event.id())
                .text("type", event.type())
                .instant("created", event.created())
                .bool("livemode", event.livemode())
                .text("api_version", event.apiVersion())
                .text("object_id", event.objectId())
                .text("object_type", event.objectType())
                .text("payload", event.payload())
                .text("status", e.status().wireName())
                .number("attempts", e.attempts())
                .text("last_error", e.lastError())
                .instant("received_at", e.receivedAt())
                .instant("next_attempt_at", e.nextAttemptAt())
                .text("lease_owner", e.leaseOwner())
                .instant("lease_expires_at", e.leaseExpiresAt())
                .instant("processed_at", e.processedAt())
                .instant("notified_at", e.notifiedAt())
                .text("subject_id", event.subjectId())
                .build();
    }

    static String canonical(UsageCounter c) {
        return new Canon(MigrationRecordType.USAGE_COUNTERS)
                .text("user_id", c.userId().value())
                .text("meter", c.meter())
                .instant("period_start", c.period().start())
                .instant("period_end", c.period().end())
                .number("used", c.used())
                .instant("updated_at", c.updatedAt())
                .build();
    }

    static String canonical(OrgMember m) {
        return new Canon(MigrationRecordType.MEMBERSHIPS)
                .text("org_id", m.orgId())
                .text("user_id", m.userId().value())
                .text("role", m.role())
                .bool("active", m.active())
                .instant("changed_at", m.changedAt())
                .text("event_id", m.eventId())
                .text("membership_id", m.membershipId())
                .build();
    }

    static String canonical(GuestPurchase g) {
        return new Canon(MigrationRecordType.GUEST_PURCHASES)
                .text("session_id", g.sessionId())
                .text("email", g.email())
                .text("price_id", g.priceId())
                .number("quantity", g.quantity())
                .text("currency", g.currency())
                .number("amount_total", g.amountTotal())
                .text(
                        "customer_id",
                        g.customerId() == null ? null : g.customerId().value())
                .instant("purchased_at", g.purchasedAt())
                .text("claimed_by", g.claimedBy() == null ? null : g.claimedBy().value())
                .instant("claimed_at", g.claimedAt())
                .build();
    }

    static String canonical(ServiceKey k) {
        return new Canon(MigrationRecordType.SERVICE_KEYS)
                .text("id", k.id())
                .text("name", k.name())
                .text(
                        "scopes",
                        String.join(
                                " ",
                                k.scopes().stream()
                                        .sorted()
                                        .map(ServiceScope::wireName)
                                        .toList()))
                .text("secret_hash", k.secretHash())
                .instant("created_at", k.createdAt())
                .instant("expires_at", k.expiresAt())
                .instant("rotated_at", k.rotatedAt())
                .instant("revoked_at", k.revokedAt())
                .build();
    }

    static String canonical(UsageKey k) {
        return new Canon(MigrationRecordType.USAGE_KEYS)
                .text("user_id", k.userId().value())
                .text("idempotency_key", k.idempotencyKey())
                .text("meter", k.meter())
                .instant("period_start", k.periodStart())
                .text("fingerprint", k.fingerprint())
                .number("amount", k.amount())
                .number("used_after", k.usedAfter())
                .number("limit", k.limit())
                .instant("created_at", k.createdAt())
                .build();
    }

    static String canonical(MeterReport r) {
        return new Canon(MigrationRecordType.METER_REPORTS)
                .text("identifier", r.identifier())
                .text("event_name", r.event().eventName())
                .text("customer_id", r.event().customerId().value())
                .number("value", r.event().value())
                .instant("timestamp", r.event().timestamp())
                .number("attempts", r.attempts())
                .text("last_error", r.lastError())
                .instant("next_attempt_at", r.nextAttemptAt())
                .instant("reported_at", r.reportedAt())
                .build();
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
                text.append(value.getBytes(StandardCharsets.UTF_8).length)
                        .append(':')
                        .append(value);
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
