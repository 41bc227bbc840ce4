package dev.billing.emulator.resource;

import static dev.billing.emulator.service.SubscriptionShape.paymentMethodFor;

import dev.billing.emulator.service.CardCharges;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.service.Invoicing;
import dev.billing.emulator.service.PaymentAttempt;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The invoices and invoice payments API: listing, lines, paying (with a card or out of band) and
 * voiding. Drafting, finalizing and collecting an invoice is {@link Invoicing}'s, which
 * subscriptions, renewals and payment intents share.
 */
public final class Invoices {
    private final EmulatorState s;
    private final Invoicing invoicing;
    private final CardCharges charges;
    private final CustomerAccounts accounts;

    public Invoices(EmulatorState state, Invoicing invoicing, CardCharges charges, CustomerAccounts accounts) {
        this.s = state;
        this.invoicing = invoicing;
        this.charges = charges;
        this.accounts = accounts;
    }

    public void register(Routes r) {
        r.add("GET", "/v1/invoices", c -> list(c.params()));
        r.add(
                "GET",
                "/v1/invoices/{id}",
                c -> s.render(
                        s.store.require("invoice", c.var("id"), "id"),
                        c.params().expand()));
        r.add("GET", "/v1/invoices/{id}/lines", c -> {
            Map<String, Object> inv = s.store.require("invoice", c.var("id"), "id");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> lines =
                    (List<Map<String, Object>>) Invoicing.linesOf(inv).get("data");
            return Lists.page(s, "/v1/invoices/" + c.var("id") + "/lines", new ArrayList<>(lines), c.params());
        });
        r.add("POST", "/v1/invoices/{id}/pay", c -> payFromApi(c.var("id"), c.params()));
        r.add("POST", "/v1/invoices/{id}/void", c -> voidInvoice(c.var("id")));
        r.add("GET", "/v1/invoice_payments", c -> {
            String invoice = c.params().strOrNull("invoice");
            Params payment = c.params().sub("payment");
            String pi = payment == null ? null : payment.strOrNull("payment_intent");
            String status = c.params().strOrNull("status");
            return Lists.page(
                    s,
                    "/v1/invoice_payments",
                    s.store.newestFirst(
                            "invoice_payment",
                            o -> (invoice == null || invoice.equals(o.get("invoice")))
                                    && (pi == null || pi.equals(paymentOf(o).get("payment_intent")))
                                    && (status == null || status.equals(o.get("status")))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/invoice_payments/{id}",
                c -> s.render(
                        s.store.require("invoice_payment", c.var("id"), "id"),
                        c.params().expand()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> paymentOf(Map<String, Object> invoicePayment) {
        return (Map<String, Object>) invoicePayment.get("payment");
    }

    private Map<String, Object> list(Params p) {
        String customer = p.strOrNull("customer");
        String subscription = p.strOrNull("subscription");
        String status = p.oneOf("status", null, "draft", "open", "paid", "uncollectible", "void");
        String collection = p.strOrNull("collection_method");
        return Lists.page(
                s,
                "/v1/invoices",
                s.store.newestFirst(
                        "invoice",
                        o -> (customer == null || customer.equals(o.get("customer")))
                                && (subscription == null || subscription.equals(o.get("_subscription")))
                                && (status == null || status.equals(o.get("status")))
                                && (collection == null || collection.equals(o.get("collection_method")))),
                p);
    }

    private Map<String, Object> payFromApi(String id, Params p) {
        Map<String, Object> inv = s.store.require("invoice", id, "invoice");
        requirePayable(inv);
        if ("draft".equals(inv.get("status"))) {
            invoicing.finalizeInvoice(inv);
            s.emit("invoice.finalized", inv);
        }
        Map<String, Object> customer = s.store.get((String) inv.get("customer"));
        Map<String, Object> sub =
                inv.get("_subscription") == null ? null : s.store.get((String) inv.get("_subscription"));
        if (p.bool("paid_out_of_band", false)) {
            inv.put("paid_out_of_band", true);
            invoicing.markPaid(inv, null);
            inv.put("amount_paid_off_stripe", inv.get("amount_paid"));
            s.emit("invoice.paid", inv);
            invoicing.recover(sub, inv);
            return s.render(inv, p.expand());
        }
        String pmId = paymentMethodToPayWith(p, sub, customer);
        long due = (Long) inv.get("amount_remaining");
        if (due > 0 && pmId == null) {
            throw ApiError.invalid(
                    "This customer has no attached payment source or default payment method. Please consider "
                            + "adding a default payment method. For more information, visit "
                            + "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.",
                    null);
        }
        PaymentAttempt attempt = charges.charge(
                (String) customer.get("id"), pmId, due, (String) inv.get("currency"), "Payment for Invoice", null);
        invoicing.lifecycle(inv, attempt, false);
        if (!attempt.succeeded()) {
            throw CardCharges.cardError(attempt);
        }
        invoicing.recover(sub, inv);
        return s.render(inv, p.expand());
    }

    private static void requirePayable(Map<String, Object> inv) {
        String status = (String) inv.get("status");
        if ("paid".equals(status)) {
            throw ApiError.invalid("invoice_already_paid", "Invoice is already paid", null);
        }
        if ("void".equals(status) || "uncollectible".equals(status)) {
            throw ApiError.invalid(
                    "invoice_not_editable", "You can only pay an invoice that is open, not " + status + ".", null);
        }
    }

    /** {@code payment_method} (attached to the customer if it is not yet), else the defaults. */
    private String paymentMethodToPayWith(Params p, Map<String, Object> sub, Map<String, Object> customer) {
        String pmId = p.strOrNull("payment_method");
        if (pmId == null) {
            return paymentMethodFor(s, sub, customer);
        }
        Map<String, Object> pm = s.store.require("payment_method", pmId, "payment_method");
        if (pm.get("customer") == null) {
            accounts.attach(pmId, (String) customer.get("id"), "payment_method");
        }
        return pmId;
    }

    private Map<String, Object> voidInvoice(String id) {
        Map<String, Object> inv = s.store.require("invoice", id, "invoice");
        if (!"open".equals(inv.get("status"))) {
            throw ApiError.invalid(
                    "invoice_not_editable", "You can only void an open invoice, not " + inv.get("status") + ".", null);
        }
        invoicing.voidOpen(inv);
        return s.render(inv);
    }
}
