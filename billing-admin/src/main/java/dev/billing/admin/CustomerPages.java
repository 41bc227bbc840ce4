package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.catalog.Quota;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Entitlements;
import dev.billing.core.model.subscription.Subscription;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Customer search (by user id, Stripe customer id or email) and one customer's billing. */
final class CustomerPages {
    static final int AUDIT_PAGE = 25;
    static final int SEARCH_LIMIT = 50;
    private final Billing billing;

    CustomerPages(Billing billing) {
        this.billing = billing;
    }

    AdminDashboard.Answer search(Views views, String csrf, String query) {
        Map<String, Object> m = Views.model(csrf, "Customers", "customers");
        String q = query == null ? "" : query.strip();
        m.put("q", q);
        if (!q.isEmpty()) {
            if (q.length() > 255) {
                throw new InvalidRequestException("invalid_query", "q", "A search is at most 255 characters.");
            }
            List<CustomerLink> found = find(q);
            m.put("searched", true);
            m.put("results", found.stream().map(CustomerPages::linkRow).toList());
            m.put("none", found.isEmpty());
        }
        return AdminDashboard.Html.ok(views.render("customers", m));
    }

    AdminDashboard.Answer customer(Views views, String csrf, String userIdText, String auditCursor) {
        UserId user = userId(userIdText);
        CustomerLink link = billing.stores()
                .customers()
                .findByUserId(user)
                .orElseThrow(() -> new NotFoundException("customer", userIdText));
        Map<String, Object> m = Views.model(csrf, "Customer " + user.value(), "customers");
        m.put("customer", linkRow(link));
        CustomerId customer = link.customerId();
        List<Subscription> subscriptions = billing.stores().subscriptions().subscriptionsOf(customer);
        m.put(
                "subscriptions",
                subscriptions.stream().map(CustomerPages::subscriptionRow).toList());
        m.put("noSubscriptions", subscriptions.isEmpty());
        List<Invoice> invoices = billing.stores().subscriptions().invoicesOf(customer);
        m.put("invoices", invoices.stream().map(CustomerPages::invoiceRow).toList());
        m.put("noInvoices", invoices.isEmpty());
        List<Purchase> purchases = billing.stores().subscriptions().purchasesOf(customer);
        m.put("purchases", purchases.stream().map(CustomerPages::purchaseRow).toList());
        m.put("noPurchases", purchases.isEmpty());
        Entitlements entitlements = billing.entitlements(user);
        m.put("tier", entitlements.tier());
        m.put(
                "quotas",
                entitlements.quotas().stream().map(CustomerPages::quotaRow).toList());
        m.put("noQuotas", entitlements.quotas().isEmpty());
        Page<AuditEntry> audit = billing.useCases()
                .listAuditTrail()
                .list(
                        user,
                        null,
                        null,
                        null,
                        null,
                        auditCursor == null || auditCursor.isEmpty() ? null : auditCursor,
                        AUDIT_PAGE);
        m.put("audit", audit.items().stream().map(CustomerPages::auditRow).toList());
        m.put("noAudit", audit.items().isEmpty());
        if (audit.hasMore() && audit.nextCursor() != null) {
            m.put(
                    "auditNext",
                    href(user) + "?audit=" + URLEncoder.encode(audit.nextCursor(), StandardCharsets.UTF_8)
                            + "#audit-h");
        }
        return AdminDashboard.Html.ok(views.render("customer", m));
    }

    private List<CustomerLink> find(String q) {
        if (q.contains("@")) {
            return billing.stores().customers().findByEmail(q, SEARCH_LIMIT);
        }
        Optional<CustomerLink> one = q.startsWith("cus_")
                ? billing.stores().customers().findByCustomerId(customerId(q))
                : billing.stores().customers().findByUserId(userId(q));
        return one.stream().toList();
    }

    private static UserId userId(String text) {
        try {
            return UserId.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid_user_id", "q", "That is not a user id.");
        }
    }

    private static CustomerId customerId(String text) {
        try {
            return CustomerId.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("invalid_customer_id", "q", "That is not a Stripe customer id.");
        }
    }

    static String href(UserId user) {
        return "/admin/customers/"
                + URLEncoder.encode(user.value(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> linkRow(CustomerLink link) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("userId", link.userId().value());
        r.put("customerId", link.customerId().value());
        r.put("email", link.email() == null ? "" : link.email());
        r.put("created", Format.time(link.createdAt()));
        r.put("href", href(link.userId()));
        return r;
    }

    private static Map<String, Object> subscriptionRow(Subscription s) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", s.id());
        r.put("status", s.status().stripeName());
        r.put("price", s.priceId() == null ? "" : s.priceId());
        r.put("quantity", s.quantity());
        r.put("periodEnd", Format.day(s.currentPeriodEnd()));
        r.put("canceling", s.cancelAtPeriodEnd() || s.cancelAt() != null);
        r.put("created", Format.day(s.created()));
        return r;
    }

    private static Map<String, Object> invoiceRow(Invoice i) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", i.id());
        r.put("number", i.number() == null ? "" : i.number());
        r.put("status", i.status().name().toLowerCase(java.util.Locale.ROOT));
        r.put("due", Format.money(i.amountDue(), i.currency()));
        r.put("paid", Format.money(i.amountPaid(), i.currency()));
        r.put("created", Format.day(i.created()));
        return r;
    }

    private static Map<String, Object> purchaseRow(Purchase p) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", p.id());
        r.put("price", p.priceId());
        r.put("quantity", p.quantity());
        r.put("total", Format.money(p.amountTotal(), p.currency()));
        r.put("purchased", Format.day(p.purchasedAt()));
        return r;
    }

    private static Map<String, Object> auditRow(AuditEntry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("at", Format.time(e.recordedAt()));
        r.put("action", e.action().wireName());
        r.put("entity", e.entityId());
        r.put("cause", e.cause() == null ? "" : e.cause().text());
        r.put(
                "detail",
                e.detail().entrySet().stream()
                        .map(d -> d.getKey() + ": " + d.getValue())
                        .collect(java.util.stream.Collectors.joining(", ")));
        return r;
    }

    private static Map<String, Object> quotaRow(Quota q) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("meter", q.meter());
        r.put("used", q.used());
        r.put("limit", q.unlimited() ? "unlimited" : String.valueOf(q.limit()));
        r.put("resets", Format.time(q.resetsAt()));
        return r;
    }
}
