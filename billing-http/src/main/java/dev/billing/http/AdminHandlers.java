package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.analytics.AnalyticsFigures;
import dev.billing.core.checkout.ListDuplicateSubscriptions;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.servicekey.IssuedServiceKey;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.http.wire.AdminResponses;
import dev.billing.http.wire.AnalyticsResponses;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.ServiceKeyResponses;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Operators' routes: the webhook inbox, replay, reconcile, refunds, revenue analytics, the audit trail, notices,
 * duplicate subscriptions.
 */
final class AdminHandlers {
    private static final System.Logger LOG = System.getLogger(AdminHandlers.class.getName());
    private static final Set<String> REFUND_REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    private final Billing billing;

    AdminHandlers(Billing billing) {
        this.billing = billing;
    }

    Object events(Call call) {
        InboxStatus status = call.query("status")
                .map(s -> InboxStatus.parse(s)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_status", "status", "status must be pending, processed, ignored or failed.")))
                .orElse(null);
        String cursor = call.queryToken("cursor", "[A-Za-z0-9_=:.+/-]{1,255}").orElse(null);
        Page<InboxEntry> page =
                billing.useCases().listInboxEvents().list(status, cursor, call.queryInt("limit", 1, 100, 50));
        return AdminResponses.InboxEventList.of(
                page, billing.useCases().listInboxEvents().counts());
    }

    /** The audit trail, newest first; every filter optional, each malformed one a 400 naming it. */
    Object audit(Call call) {
        UserId user = call.query("userId").map(v -> id(v, "userId", UserId::of)).orElse(null);
        CustomerId customer = call.query("customerId")
                .map(v -> id(v, "customerId", CustomerId::of))
                .orElse(null);
        AuditAction type = call.query("type")
                .map(t -> AuditAction.parse(t)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_type",
                                "type",
                                "type must be one of: "
                                        + Arrays.stream(AuditAction.values())
                                                .map(AuditAction::wireName)
                                                .collect(Collectors.joining(", "))
                                        + ".")))
                .orElse(null);
        Instant from = call.query("from").map(v -> instant(v, "from")).orElse(null);
        Instant to = call.query("to").map(v -> instant(v, "to")).orElse(null);
        String cursor = call.query("cursor").orElse(null);
        Page<AuditEntry> page = billing.useCases()
                .listAuditTrail()
                .list(user, customer, type, from, to, cursor, call.queryInt("limit", 1, 100, 50));
        return new AdminResponses.AuditList(
                page.items().stream().map(AdminResponses.AuditEntryView::of).toList(),
                page.hasMore(),
                page.nextCursor());
    }

    /** The duplicate live subscriptions found, newest first, each with its state now. */
    Object duplicateSubscriptions(Call call) {
        Page<ListDuplicateSubscriptions.Duplicate> page = billing.useCases()
                .listDuplicateSubscriptions()
                .list(call.query("cursor").orElse(null), call.queryInt("limit", 1, 100, 50));
        return new AdminResponses.DuplicateSubscriptionList(
                page.items().stream()
                        .map(AdminResponses.DuplicateSubscriptionView::of)
                        .toList(),
                page.hasMore(),
                page.nextCursor());
    }

    /** The notice log, newest first; every filter optional, each malformed one a 400 naming it. */
    Object notices(Call call) {
        UserId user = call.query("userId").map(v -> id(v, "userId", UserId::of)).orElse(null);
        NoticeKind kind = call.query("kind")
                .map(k -> NoticeKind.fromName(k)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_kind",
                                "kind",
                                "kind must be one of: "
                                        + Arrays.stream(NoticeKind.values())
                                                .map(NoticeKind::wireName)
                                                .collect(Collectors.joining(", "))
                                        + ".")))
                .orElse(null);
        NoticeStatus status = call.query("status")
                .map(s -> NoticeStatus.fromName(s)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_status", "status", "status must be sent, skipped or failed.")))
                .orElse(null);
        String cursor = call.query("cursor").orElse(null);
        Page<NoticeEntry> page =
                billing.useCases().listNotices().list(user, kind, status, cursor, call.queryInt("limit", 1, 100, 50));
        return new AdminResponses.NoticeList(
                page.items().stream().map(AdminResponses.NoticeView::of).toList(), page.hasMore(), page.nextCursor());
    }

    private static <T> T id(String value, String field, Function<String, T> parse) {
        try {
            return parse.apply(text(value, field));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid_" + JsonCodec.snake(field), field, field + " is malformed.");
        }
    }

    private static Instant instant(String value, String field) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(
                    "invalid_" + field, field, field + " must be an ISO-8601 instant (2026-01-31T00:00:00Z).");
        }
    }

    Object replay(Call call) {
        call.body(Requests.Empty.class);
        return AdminResponses.InboxEvent.of(billing.useCases().replayEvent().replay(call.pathParam("id")));
    }

    Object reconcile(Call call) {
        Requests.Reconcile body = call.body(Requests.Reconcile.class);
        if (body.userId() != null && body.customerId() != null) {
            throw new InvalidRequestException(
                    "invalid_reconcile", "Send userId, customerId, or neither (every customer), not both.");
        }
        ReconcileReport report;
        if (body.userId() != null) {
            report = billing.useCases().reconcile().user(UserId.of(text(body.userId(), "userId")));
        } else if (body.customerId() != null) {
            report = billing.useCases().reconcile().customer(CustomerId.of(text(body.customerId(), "customerId")));
        } else {
            report = billing.useCases().reconcile().all();
        }
        return AdminResponses.ReconcileResult.of(report);
    }

    Object refund(Call call) {
        Requests.Refund body = call.body(Requests.Refund.class);
        String paymentIntent = body.paymentIntentId();
        if (paymentIntent == null || !paymentIntent.matches("pi_[A-Za-z0-9_]{1,250}")) {
            throw new InvalidRequestException(
                    "invalid_payment_intent_id",
                    "paymentIntentId",
                    "paymentIntentId must be a Stripe payment intent id (pi_...).");
        }
        if (body.amount() != null && (body.amount() < 1 || body.amount() > 99_999_999_999L)) {
            throw new InvalidRequestException("invalid_amount", "amount", "amount must be a positive whole number.");
        }
        if (body.reason() != null && !REFUND_REASONS.contains(body.reason())) {
            throw new InvalidRequestException(
                    "invalid_reason", "reason", "reason must be duplicate, fraudulent or requested_by_customer.");
        }
        String key = call.header(EntitlementHandlers.IDEMPOTENCY_KEY);
        if (key == null || !key.matches("[\\x21-\\x7e]{1,200}")) {
            throw new InvalidRequestException(
                    "invalid_idempotency_key",
                    "Idempotency-Key",
                    "An Idempotency-Key of 1-200 printable ASCII characters is required.");
        }
        return AdminResponses.RefundView.of(billing.useCases()
                .refundPayment()
                .refund(new RefundRequest(paymentIntent, body.amount(), body.reason(), "billing-refund-" + key)));
    }

    Object revenue(Call call) {
        return AnalyticsResponses.RevenueView.of(figures(call).revenue());
    }

    Object subscriptions(Call call) {
        return AnalyticsResponses.SubscriptionBreakdownView.of(figures(call).subscriptions());
    }

    Object movements(Call call) {
        return AnalyticsResponses.MovementsView.of(figures(call).movements(call.queryInt("months", 1, 36, 12)));
    }

    Object mrr(Call call) {
        return AnalyticsResponses.MrrHistoryView.of(figures(call).mrrHistory(call.queryInt("months", 1, 36, 12)));
    }

    Object usage(Call call) {
        return AnalyticsResponses.UsageView.of(figures(call).usage());
    }

    /** The kept figures unless {@code ?fresh=true} asks them computed now. */
    private AnalyticsFigures figures(Call call) {
        return billing.analytics().figures(call.queryBool("fresh").orElse(false));
    }

    private static String text(String value, String field) {
        if (value.isBlank() || value.length() > 255) {
            throw new InvalidRequestException("invalid_" + JsonCodec.snake(field), field, field + " is malformed.");
        }
        return value;
    }

    Object serviceKeys(Call call) {
        Page<ServiceKey> page = billing.useCases()
                .serviceKeys()
                .list(call.queryToken("cursor", "bsk_[0-9a-f]{16}").orElse(null), call.queryInt("limit", 1, 100, 50));
        return new ServiceKeyResponses.KeyList(
                page.items().stream().map(ServiceKeyResponses.View::of).toList(), page.hasMore(), page.nextCursor());
    }

    Object createServiceKey(Call call) {
        Requests.ServiceKeyCreate body = call.body(Requests.ServiceKeyCreate.class);
        Set<ServiceScope> scopes = new LinkedHashSet<>();
        for (String scope : body.scopes() == null ? List.<String>of() : body.scopes()) {
            scopes.add(ServiceScope.parse(scope)
                    .orElseThrow(() -> new InvalidRequestException(
                            "invalid_scopes",
                            "scopes",
                            "scopes must be entitlements:read, usage:write, customers:write or checkout:write.")));
        }
        Instant expiresAt = null;
        if (body.expiresAt() != null) {
            try {
                expiresAt = Instant.parse(body.expiresAt());
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(
                        "invalid_expires_at", "expiresAt", "expiresAt must be an ISO-8601 instant.");
            }
        }
        IssuedServiceKey issued = billing.useCases().serviceKeys().create(body.name(), scopes, expiresAt);
        LOG.log(
                System.Logger.Level.INFO,
                "service key {0} created ({1})",
                issued.key().id(),
                issued.key().name());
        return ServiceKeyResponses.Issued.of(issued.key(), issued.secret());
    }

    Object rotateServiceKey(Call call) {
        IssuedServiceKey issued = billing.useCases()
                .serviceKeys()
                .rotate(call.pathParam("id"))
                .orElseThrow(AdminHandlers::serviceKeyNotFound);
        LOG.log(
                System.Logger.Level.INFO,
                "service key {0} rotated",
                issued.key().id());
        return ServiceKeyResponses.Issued.of(issued.key(), issued.secret());
    }

    Object revokeServiceKey(Call call) {
        ServiceKey key = billing.useCases()
                .serviceKeys()
                .revoke(call.pathParam("id"))
                .orElseThrow(AdminHandlers::serviceKeyNotFound);
        LOG.log(System.Logger.Level.INFO, "service key {0} revoked", key.id());
        return ServiceKeyResponses.View.of(key);
    }

    private static RuntimeException serviceKeyNotFound() {
        return ApiException.of(
                404, "service_key_not_found", "There is no such service key (or it is revoked, for a rotation).");
    }
}
