package dev.billing.http;

import static dev.billing.http.ApiRoute.delete;
import static dev.billing.http.ApiRoute.get;
import static dev.billing.http.ApiRoute.post;
import static dev.billing.http.QueryParam.bool;
import static dev.billing.http.QueryParam.integer;
import static dev.billing.http.QueryParam.string;

import dev.billing.http.wire.AdminResponses;
import dev.billing.http.wire.AnalyticsResponses;
import dev.billing.http.wire.PersonalDataResponses;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import dev.billing.http.wire.ServiceKeyResponses;
import dev.billing.http.wire.SheetResponses;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route of the API, in one place. Javalin registers exactly these, and {@code /openapi.json} documents exactly
 * these (docs/HTTP_API.md describes them for people).
 */
final class RouteTable {
    private RouteTable() {}

    /** The handlers the table points at; optional parts are null when absent. */
    record Handlers(
            OpsHandlers ops,
            CatalogHandlers catalog,
            AccountHandlers account,
            SheetHandlers sheets,
            SubscriptionHandlers subscriptions,
            PaymentMethodHandlers paymentMethods,
            InvoiceHandlers invoices,
            EntitlementHandlers entitlements,
            WebhookHandlers webhooks,
            AdminHandlers admin,
            OrgHandlers orgs,
            ExportHandlers export,
            GuestHandlers guests,
            LocalHandlers local,
            boolean metrics) {}

    static List<ApiRoute> routes(Handlers h, ApiSettings settings) {
        Access catalog = settings.publicCatalog() ? Access.PUBLIC : Access.USER;
        List<ApiRoute> routes = new ArrayList<>(List.of(
                get("/health", Access.HEALTH, h.ops()::health)
                        .tag("operations")
                        .summary("Liveness: the process is up.")
                        .returns(Responses.Health.class),
                get("/health/ready", Access.HEALTH, h.ops()::ready)
                        .tag("operations")
                        .summary("Readiness: the store and Stripe answer (503 not_ready names the failed check, "
                                + "or a drain).")
                        .returns(Responses.Health.class)
                        .errors(503),
                get("/openapi.json", Access.PUBLIC, h.ops()::openApiDocument)
                        .tag("operations")
                        .summary("This document.")
                        .returnsText("application/json"),
                get("/stripe/products", catalog, h.catalog()::products)
                        .tag("catalog")
                        .summary("Products from Stripe's catalog (cached).")
                        .returns(Responses.ProductList.class)
                        .query(
                                bool("active", "Only active (default true) or only inactive products."),
                                integer("limit", "1-100, default 100.").range(1, 100),
                                string("startingAfter", "The last id of the previous page."))
                        .errors(400, 503),
                get("/stripe/prices", catalog, h.catalog()::prices)
                        .tag("catalog")
                        .summary("Prices from Stripe's catalog (cached).")
                        .returns(Responses.PriceList.class)
                        .query(
                                bool("active", "Only active (default true) or only inactive prices."),
                                string("product", "Only this product's prices."),
                                string("type", "one_time or recurring.").oneOf("one_time", "recurring"),
                                integer("limit", "1-100, default 100.").range(1, 100),
                                string("startingAfter", "The last id of the previous page."))
                        .errors(400, 502, 503),
                get("/stripe/coupons", catalog, h.catalog()::coupons)
                        .tag("catalog")
                        .summary("The public promotion codes of the plan catalog, with what each gives (cached).")
                        .returns(Responses.CouponList.class)
                        .errors(502, 503),
                post("/stripe/customer", Access.USER, h.account()::customer)
                        .tag("account")
                        .summary("Create (once) or get the caller's Stripe customer.")
                        .body(Requests.Empty.class)
                        .returns(Responses.Customer.class)
                        .errors(502, 503),
                post("/stripe/checkout", Access.USER, h.account()::checkout)
                        .tag("account")
                        .summary("Start a Stripe Checkout session for a plan or a one-time item.")
                        .body(Requests.Checkout.class)
                        .returns(Responses.CheckoutSession.class)
                        .errors(400, 409, 502, 503),
                post("/stripe/sheet/subscription", Access.USER, h.sheets()::subscription)
                        .tag("mobile")
                        .summary("Prepare Stripe's PaymentSheet for a plan (an incomplete subscription to confirm).")
                        .body(Requests.SheetSubscription.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 409, 502, 503),
                post("/stripe/sheet/purchase", Access.USER, h.sheets()::purchase)
                        .tag("mobile")
                        .summary("Prepare Stripe's PaymentSheet for a one-time item.")
                        .body(Requests.SheetPurchase.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 502, 503),
                post("/stripe/sheet/setup", Access.USER, h.sheets()::setup)
                        .tag("mobile")
                        .summary("Prepare Stripe's PaymentSheet to save a card (it becomes the default).")
                        .body(Requests.SheetSetup.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 502, 503),
                post("/stripe/portal", Access.USER, h.account()::portal)
                        .tag("account")
                        .summary("Open Stripe's billing portal for the caller.")
                        .body(Requests.Portal.class)
                        .returns(Responses.Portal.class)
                        .errors(400, 404, 502, 503),
                get("/stripe/purchases", Access.USER, h.account()::purchases)
                        .tag("account")
                        .summary("The caller's one-time purchases.")
                        .returns(Responses.PurchaseList.class),
                get("/stripe/refunds", Access.USER, h.account()::refunds)
                        .tag("account")
                        .summary("The caller's refunds, newest first.")
                        .returns(Responses.UserRefundList.class),
                get("/stripe/subscriptions", Access.USER, h.subscriptions()::list)
                        .tag("subscriptions")
                        .summary("The caller's subscriptions.")
                        .returns(Responses.SubscriptionList.class),
                post("/stripe/subscriptions/{id}/cancel", Access.USER, h.subscriptions()::cancel)
                        .tag("subscriptions")
                        .summary("Cancel at the period end (default) or now.")
                        .body(Requests.Cancel.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 404, 503),
                post("/stripe/subscriptions/{id}/resume", Access.USER, h.subscriptions()::resume)
                        .tag("subscriptions")
                        .summary("Withdraw a scheduled cancellation.")
                        .body(Requests.Empty.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(404, 502, 503),
                post("/stripe/subscriptions/{id}/update", Access.USER, h.subscriptions()::update)
                        .tag("subscriptions")
                        .summary("Move the subscription to another plan.")
                        .body(Requests.ChangePlan.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 404, 502, 503),
                post("/stripe/subscriptions/{id}/discount", Access.USER, h.subscriptions()::discount)
                        .tag("subscriptions")
                        .summary("Apply a promotion code (400 invalid_promotion_code when it " + "cannot be used).")
                        .body(Requests.Discount.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 404, 502, 503),
                get("/stripe/payment-methods", Access.USER, h.paymentMethods()::list)
                        .tag("payment methods")
                        .summary("The caller's cards.")
                        .returns(Responses.PaymentMethodList.class)
                        .errors(502, 503),
                post("/stripe/payment-methods/setup-intent", Access.USER, h.paymentMethods()::setupIntent)
                        .tag("payment methods")
                        .summary("Start adding a card (confirm it with Stripe.js).")
                        .body(Requests.Empty.class)
                        .returns(Responses.SetupIntent.class)
                        .errors(502, 503),
                post("/stripe/payment-methods/{id}/default", Access.USER, h.paymentMethods()::makeDefault)
                        .tag("payment methods")
                        .summary("Make a card the default for invoices.")
                        .body(Requests.Empty.class)
                        .returns(Responses.PaymentMethodView.class)
                        .errors(404, 502, 503),
                delete("/stripe/payment-methods/{id}", Access.USER, h.paymentMethods()::remove)
                        .tag("payment methods")
                        .summary("Remove a card.")
                        .returns(Responses.Deleted.class)
                        .errors(404, 502, 503),
                get("/stripe/invoices", Access.USER, h.invoices()::list)
                        .tag("invoices")
                        .summary("The caller's invoices, newest first, with hosted and PDF links.")
                        .returns(Responses.InvoiceList.class)
                        .query(
                                integer("limit", "1-100, default 20.").range(1, 100),
                                string("startingAfter", "The last id of the previous page."))
                        .errors(400, 502, 503),
                get("/stripe/invoices/{id}", Access.USER, h.invoices()::get)
                        .tag("invoices")
                        .summary("One of the caller's invoices.")
                        .returns(Responses.InvoiceView.class)
                        .errors(404, 502, 503),
                post("/stripe/invoices/{id}/pay", Access.USER, h.invoices()::pay)
                        .tag("invoices")
                        .summary("Pay an open invoice with the default card.")
                        .body(Requests.Empty.class)
                        .returns(Responses.InvoiceView.class)
                        .errors(402, 404, 409, 502, 503),
                get("/me/entitlements", Access.USER, h.entitlements()::entitlements)
                        .tag("entitlements")
                        .summary("The caller's tier, features, quotas and owned items.")
                        .returns(Responses.EntitlementsView.class)
                        .errors(503),
                get("/me/export", Access.USER, h.export()::me)
                        .tag("account")
                        .summary("Everything the store holds about the caller, as one JSON document.")
                        .returns(PersonalDataResponses.PersonalDataView.class)
                        .errors(503),
                post("/guest/checkout", Access.PUBLIC, h.guests()::checkout)
                        .tag("guests")
                        .summary("Buy an item open to guests without an account (rate limited per IP).")
                        .body(Requests.GuestCheckout.class)
                        .returns(Responses.CheckoutSession.class)
                        .errors(400, 429, 502, 503),
                post("/me/guest-purchases/claim", Access.USER, h.guests()::claim)
                        .tag("guests")
                        .summary("Make the guest purchases paid with the caller's verified email the caller's.")
                        .body(Requests.Empty.class)
                        .returns(Responses.GuestPurchaseList.class)
                        .errors(403, 502, 503),
                delete("/me", Access.USER, h.export()::eraseMe)
                        .tag("account")
                        .summary("Erase the caller's billing data (?confirm=true); financial records stay under a "
                                + "pseudonym.")
                        .query(string("confirm", "true, to confirm: this cannot be undone."))
                        .returns(PersonalDataResponses.ErasedView.class)
                        .errors(400, 502, 503),
                get("/usage", Access.USER, h.entitlements()::usage)
                        .tag("entitlements")
                        .summary("The caller's quotas this period.")
                        .returns(Responses.UsageQuotas.class)
                        .errors(503),
                post("/usage", Access.USER, h.entitlements()::record)
                        .tag("entitlements")
                        .summary("Record usage of a meter against the caller's quota, once per Idempotency-Key.")
                        .body(Requests.Usage.class)
                        .returns(Responses.UsageRecorded.class)
                        .requiresIdempotencyKey()
                        .errors(400, 422, 429, 503),
                post("/orgs/{orgId}/stripe/customer", Access.USER, h.orgs().manage(h.account()::customer))
                        .tag("organizations")
                        .summary("Create (once) or get the organization's Stripe customer.")
                        .body(Requests.Empty.class)
                        .returns(Responses.Customer.class)
                        .errors(403, 404, 502, 503),
                post("/orgs/{orgId}/stripe/checkout", Access.USER, h.orgs().manage(h.account()::checkout))
                        .tag("organizations")
                        .summary("Start Checkout for the organization's plan.")
                        .body(Requests.Checkout.class)
                        .returns(Responses.CheckoutSession.class)
                        .errors(400, 403, 404, 409, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/sheet/subscription",
                                Access.USER,
                                h.orgs().manage(h.sheets()::subscription))
                        .tag("organizations")
                        .summary("Prepare Stripe's PaymentSheet for the organization's plan.")
                        .body(Requests.SheetSubscription.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 403, 404, 409, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/sheet/purchase",
                                Access.USER,
                                h.orgs().manage(h.sheets()::purchase))
                        .tag("organizations")
                        .summary("Prepare Stripe's PaymentSheet for a one-time item for the organization.")
                        .body(Requests.SheetPurchase.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 403, 404, 502, 503),
                post("/orgs/{orgId}/stripe/sheet/setup", Access.USER, h.orgs().manage(h.sheets()::setup))
                        .tag("organizations")
                        .summary("Prepare Stripe's PaymentSheet to save the organization's card.")
                        .body(Requests.SheetSetup.class)
                        .returns(SheetResponses.PaymentSheet.class)
                        .errors(400, 403, 404, 502, 503),
                post("/orgs/{orgId}/stripe/portal", Access.USER, h.orgs().manage(h.account()::portal))
                        .tag("organizations")
                        .summary("Open Stripe's billing portal for the organization.")
                        .body(Requests.Portal.class)
                        .returns(Responses.Portal.class)
                        .errors(400, 403, 404, 502, 503),
                get("/orgs/{orgId}/stripe/subscriptions", Access.USER, h.orgs().read(h.subscriptions()::list))
                        .tag("organizations")
                        .summary("The organization's subscriptions (any member).")
                        .returns(Responses.SubscriptionList.class)
                        .errors(404),
                post(
                                "/orgs/{orgId}/stripe/subscriptions/{id}/cancel",
                                Access.USER,
                                h.orgs().manage(h.subscriptions()::cancel))
                        .tag("organizations")
                        .summary("Cancel the organization's subscription.")
                        .body(Requests.Cancel.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 403, 404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/subscriptions/{id}/resume",
                                Access.USER,
                                h.orgs().manage(h.subscriptions()::resume))
                        .tag("organizations")
                        .summary("Withdraw the organization's scheduled cancellation.")
                        .body(Requests.Empty.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(403, 404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/subscriptions/{id}/update",
                                Access.USER,
                                h.orgs().manage(h.subscriptions()::update))
                        .tag("organizations")
                        .summary("Move the organization's subscription to another plan.")
                        .body(Requests.ChangePlan.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 403, 404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/subscriptions/{id}/discount",
                                Access.USER,
                                h.orgs().manage(h.subscriptions()::discount))
                        .tag("organizations")
                        .summary("Apply a promotion code to the organization's subscription.")
                        .body(Requests.Discount.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 403, 404, 502, 503),
                get(
                                "/orgs/{orgId}/stripe/payment-methods",
                                Access.USER,
                                h.orgs().manage(h.paymentMethods()::list))
                        .tag("organizations")
                        .summary("The organization's cards.")
                        .returns(Responses.PaymentMethodList.class)
                        .errors(403, 404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/payment-methods/setup-intent",
                                Access.USER,
                                h.orgs().manage(h.paymentMethods()::setupIntent))
                        .tag("organizations")
                        .summary("Start adding a card for the organization.")
                        .body(Requests.Empty.class)
                        .returns(Responses.SetupIntent.class)
                        .errors(403, 404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/payment-methods/{id}/default",
                                Access.USER,
                                h.orgs().manage(h.paymentMethods()::makeDefault))
                        .tag("organizations")
                        .summary("Make a card the organization's default.")
                        .body(Requests.Empty.class)
                        .returns(Responses.PaymentMethodView.class)
                        .errors(403, 404, 502, 503),
                delete(
                                "/orgs/{orgId}/stripe/payment-methods/{id}",
                                Access.USER,
                                h.orgs().manage(h.paymentMethods()::remove))
                        .tag("organizations")
                        .summary("Remove one of the organization's cards.")
                        .returns(Responses.Deleted.class)
                        .errors(403, 404, 502, 503),
                get("/orgs/{orgId}/stripe/invoices", Access.USER, h.orgs().read(h.invoices()::list))
                        .tag("organizations")
                        .summary("The organization's invoices (any member).")
                        .returns(Responses.InvoiceList.class)
                        .query(
                                integer("limit", "1-100, default 20.").range(1, 100),
                                string("startingAfter", "The last id of the previous page."))
                        .errors(400, 404, 502, 503),
                get("/orgs/{orgId}/stripe/refunds", Access.USER, h.orgs().read(h.account()::refunds))
                        .tag("organizations")
                        .summary("The organization's refunds, newest first (any member).")
                        .returns(Responses.UserRefundList.class)
                        .errors(404, 503),
                get("/orgs/{orgId}/stripe/invoices/{id}", Access.USER, h.orgs().read(h.invoices()::get))
                        .tag("organizations")
                        .summary("One of the organization's invoices (any member).")
                        .returns(Responses.InvoiceView.class)
                        .errors(404, 502, 503),
                post(
                                "/orgs/{orgId}/stripe/invoices/{id}/pay",
                                Access.USER,
                                h.orgs().manage(h.invoices()::pay))
                        .tag("organizations")
                        .summary("Pay an open invoice of the organization.")
                        .body(Requests.Empty.class)
                        .returns(Responses.InvoiceView.class)
                        .errors(402, 403, 404, 409, 502, 503),
                post("/orgs/{orgId}/seats", Access.USER, h.orgs().manage(h.subscriptions()::seats))
                        .tag("organizations")
                        .summary("Set the seats of the organization's per-seat plan (prorated).")
                        .body(Requests.Seats.class)
                        .returns(Responses.SubscriptionView.class)
                        .errors(400, 403, 404, 409, 502, 503),
                get("/orgs/{orgId}/entitlements", Access.USER, h.orgs().read(h.entitlements()::entitlements))
                        .tag("organizations")
                        .summary("The organization's tier, features and quotas (any member).")
                        .returns(Responses.EntitlementsView.class)
                        .errors(404, 503),
                post("/webhooks/stripe", Access.WEBHOOK, h.webhooks()::receive)
                        .tag("webhooks")
                        .summary("Stripe's webhook deliveries (raw body, Stripe-Signature header); with the "
                                + "allowlist on, from Stripe's addresses only (403 address_not_allowed).")
                        .returns(Responses.WebhookReceived.class)
                        .errors(400, 403, 413, 503),
                get("/admin/webhook-events", Access.ADMIN, h.admin()::events)
                        .tag("admin")
                        .summary("Webhook inbox entries, newest first, with counts per status.")
                        .returns(AdminResponses.InboxEventList.class)
                        .query(
                                string("status", "pending, processed, ignored or failed.")
                                        .oneOf("pending", "processed", "ignored", "failed"),
                                string("cursor", "nextCursor of the previous page."),
                                integer("limit", "1-100, default 50.").range(1, 100))
                        .errors(400),
                get("/admin/audit", Access.ADMIN, h.admin()::audit)
                        .tag("admin")
                        .summary("The audit trail: every change of billing state with its cause, newest first.")
                        .returns(AdminResponses.AuditList.class)
                        .query(
                                string("userId", "An account: the entries naming it and its customer's."),
                                string("customerId", "A Stripe customer (cus_...)."),
                                string("type", "An entry type, e.g. subscription.plan_changed."),
                                string("from", "ISO-8601 instant, inclusive."),
                                string("to", "ISO-8601 instant, exclusive."),
                                string("cursor", "nextCursor of the previous page."),
                                integer("limit", "1-100, default 50.").range(1, 100))
                        .errors(400),
                get("/admin/subscriptions/duplicates", Access.ADMIN, h.admin()::duplicateSubscriptions)
                        .tag("admin")
                        .summary("Parties found holding a second live subscription, newest first, each with what was "
                                + "done (cancel or flag) and whether it is still live.")
                        .returns(AdminResponses.DuplicateSubscriptionList.class)
                        .query(
                                string("cursor", "nextCursor of the previous page."),
                                integer("limit", "1-100, default 50.").range(1, 100))
                        .errors(400),
                get("/admin/notices", Access.ADMIN, h.admin()::notices)
                        .tag("admin")
                        .summary("The notice log: every attempt to send a notice to a user, newest first.")
                        .returns(AdminResponses.NoticeList.class)
                        .query(
                                string("userId", "An account's notices."),
                                string(
                                                "kind",
                                                "subscription-started, trial-ending, payment-failed, receipt, "
                                                        + "plan-changed, subscription-canceled, renewal-reminder or refund-issued.")
                                        .oneOf(
                                                "subscription-started",
                                                "trial-ending",
                                                "payment-failed",
                                                "receipt",
                                                "plan-changed",
                                                "subscription-canceled",
                                                "renewal-reminder",
                                                "refund-issued"),
                                string("status", "sent, skipped or failed.").oneOf("sent", "skipped", "failed"),
                                string("cursor", "nextCursor of the previous page."),
                                integer("limit", "1-100, default 50.").range(1, 100))
                        .errors(400),
                post("/admin/webhook-events/{id}/replay", Access.ADMIN, h.admin()::replay)
                        .tag("admin")
                        .summary("Process an inbox event again, now.")
                        .body(Requests.Empty.class)
                        .returns(AdminResponses.InboxEvent.class)
                        .errors(404, 409),
                post("/admin/reconcile", Access.ADMIN, h.admin()::reconcile)
                        .tag("admin")
                        .summary("Re-read subscriptions and invoices from Stripe (one user, one customer, or all).")
                        .body(Requests.Reconcile.class)
                        .returns(AdminResponses.ReconcileResult.class)
                        .errors(400, 404, 502, 503),
                get("/admin/users/{userId}/export", Access.ADMIN, h.export()::user)
                        .tag("admin")
                        .summary("Everything the store holds about one user or organization (personal data export).")
                        .query(string(
                                "email",
                                "The account holder's email, when it may differ from their Stripe "
                                        + "customer's: guest purchases paid with it are theirs too."))
                        .returns(PersonalDataResponses.PersonalDataView.class)
                        .errors(400, 503),
                delete("/admin/users/{userId}", Access.ADMIN, h.export()::eraseUser)
                        .tag("admin")
                        .summary("Erase one account's billing data (?confirm=true).")
                        .query(
                                string("confirm", "true, to confirm: this cannot be undone."),
                                string(
                                        "email",
                                        "The account holder's email, when it may differ from their Stripe "
                                                + "customer's: guest purchases paid with it are erased too."))
                        .returns(PersonalDataResponses.ErasedView.class)
                        .errors(400, 502, 503),
                get("/admin/service-keys", Access.ADMIN, h.admin()::serviceKeys)
                        .tag("admin")
                        .summary("Service API keys (never their secrets), revoked ones too, by id.")
                        .returns(ServiceKeyResponses.KeyList.class)
                        .query(
                                string("cursor", "nextCursor of the previous page."),
                                integer("limit", "1-100, default 50.").range(1, 100))
                        .errors(400),
                post("/admin/service-keys", Access.ADMIN, h.admin()::createServiceKey)
                        .tag("admin")
                        .summary("Create a service API key with scopes and an optional expiry; its secret is in "
                                + "this answer only.")
                        .body(Requests.ServiceKeyCreate.class)
                        .returns(ServiceKeyResponses.Issued.class)
                        .status(201),
                post("/admin/service-keys/{id}/rotate", Access.ADMIN, h.admin()::rotateServiceKey)
                        .tag("admin")
                        .summary("Give a key a new secret (shown in this answer only); the old one stops at once.")
                        .body(Requests.Empty.class)
                        .returns(ServiceKeyResponses.Issued.class),
                post("/admin/service-keys/{id}/revoke", Access.ADMIN, h.admin()::revokeServiceKey)
                        .tag("admin")
                        .summary("Revoke a key for good (it answers 401 service_key_revoked from then on).")
                        .body(Requests.Empty.class)
                        .returns(ServiceKeyResponses.View.class),
                post("/admin/refunds", Access.ADMIN, h.admin()::refund)
                        .tag("admin")
                        .summary("Refund a payment in full or in part, once per Idempotency-Key.")
                        .body(Requests.Refund.class)
                        .returns(AdminResponses.RefundView.class)
                        .requiresIdempotencyKey()
                        .errors(400, 402, 404, 502, 503),
                get("/admin/analytics/revenue", Access.ADMIN, h.admin()::revenue)
                        .tag("admin")
                        .summary("MRR and ARR per currency, payment failures, trial conversion, one-time purchases "
                                + "(from the local projection).")
                        .query(fresh())
                        .returns(AnalyticsResponses.RevenueView.class)
                        .errors(400, 503),
                get("/admin/analytics/subscriptions", Access.ADMIN, h.admin()::subscriptions)
                        .tag("admin")
                        .summary("Subscriptions that have not ended, by tier and status.")
                        .query(fresh())
                        .returns(AnalyticsResponses.SubscriptionBreakdownView.class)
                        .errors(400, 503),
                get("/admin/analytics/movements", Access.ADMIN, h.admin()::movements)
                        .tag("admin")
                        .summary("New, reactivated and churned subscriptions per month.")
                        .query(
                                integer("months", "1-36, default 12: this month and the ones before.")
                                        .range(1, 36),
                                fresh())
                        .returns(AnalyticsResponses.MovementsView.class)
                        .errors(400, 503),
                get("/admin/analytics/mrr", Access.ADMIN, h.admin()::mrr)
                        .tag("admin")
                        .summary("MRR per currency at the end of each month, at today's pricing.")
                        .query(
                                integer(
                                                "months",
                                                "1-36, default 12: this month (its point is now) and the ones before.")
                                        .range(1, 36),
                                fresh())
                        .returns(AnalyticsResponses.MrrHistoryView.class)
                        .errors(400, 503),
                get("/admin/analytics/usage", Access.ADMIN, h.admin()::usage)
                        .tag("admin")
                        .summary("Quota use per tier and meter in the running periods.")
                        .query(fresh())
                        .returns(AnalyticsResponses.UsageView.class)
                        .errors(400, 503)));
        if (h.webhooks().receivesClerk()) {
            routes.add(post("/webhooks/clerk", Access.WEBHOOK, h.webhooks()::receiveClerk)
                    .tag("webhooks")
                    .summary("Clerk's organization membership webhooks, membership sync only (raw body, svix-id, "
                            + "svix-timestamp and svix-signature headers).")
                    .returns(Responses.WebhookReceived.class)
                    .errors(400, 413, 503));
        }
        if (h.metrics()) {
            routes.add(get("/metrics", Access.ADMIN, h.ops()::metrics)
                    .tag("operations")
                    .summary("Prometheus metrics (admin token).")
                    .returnsText("text/plain"));
        }
        if (h.local() != null) {
            routes.add(post("/local/token", Access.PUBLIC, h.local()::token)
                    .tag("local mode")
                    .summary("Local mode only: a session token for any user id.")
                    .body(Requests.LocalToken.class)
                    .returns(Responses.LocalToken.class)
                    .errors(400));
        }
        return List.copyOf(routes);
    }

    private static QueryParam fresh() {
        return bool(
                "fresh",
                "true computes the figures now; otherwise they may be up to the configured analytics "
                        + "max age old (60 s by default; asOf says when they were computed).");
    }
}
