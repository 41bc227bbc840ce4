package dev.billing.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.service.Cards;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.service.SubscriptionShape;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal hosted pages so a human can click through flows in a browser: Checkout (with "Pay" and
 * "Pay with a declined card"), the billing portal, hosted invoices (and a tiny PDF), receipts.
 */
final class HostedPages {
    private final EmulatorServer emulator;
    private final EmulatorState s;
    private final Products products;
    private final Router api;

    HostedPages(EmulatorServer emulator, EmulatorState state, Products products, Router api) {
        this.emulator = emulator;
        this.s = state;
        this.products = products;
        this.api = api;
    }

    void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String[] parts = ex.getRequestURI().getPath().substring(1).split("/");
        Map<String, Object> form = "POST".equals(method)
                ? FormCodec.decodeTree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                : Map.of();
        try {
            if (parts.length == 1 && parts[0].isEmpty()) {
                html(ex, 200, index());
            } else if ("checkout".equals(parts[0]) && parts.length == 2 && "GET".equals(method)) {
                html(ex, 200, checkoutPage(parts[1], null));
            } else if ("checkout".equals(parts[0])
                    && parts.length == 3
                    && "pay".equals(parts[2])
                    && "POST".equals(method)) {
                payCheckout(ex, parts[1], new Params(form));
            } else if ("portal".equals(parts[0]) && parts.length == 2 && "GET".equals(method)) {
                html(ex, 200, portalPage(parts[1]));
            } else if ("portal".equals(parts[0]) && parts.length == 5 && "POST".equals(method)) {
                portalAction(parts[1], parts[3], parts[4]);
                redirect(ex, "/portal/" + parts[1]);
            } else if ("invoice".equals(parts[0]) && parts.length == 2 && "GET".equals(method)) {
                html(ex, 200, invoicePage(parts[1], null));
            } else if ("invoice".equals(parts[0]) && parts.length == 3 && "pdf".equals(parts[2])) {
                pdf(ex, parts[1]);
            } else if ("invoice".equals(parts[0])
                    && parts.length == 3
                    && "pay".equals(parts[2])
                    && "POST".equals(method)) {
                String error = null;
                try {
                    s.tx(() -> billingPay(parts[1]));
                } catch (ApiError e) {
                    error = e.getMessage();
                }
                html(ex, error == null ? 200 : 402, invoicePage(parts[1], error));
            } else if ("receipt".equals(parts[0]) && parts.length == 2) {
                html(ex, 200, receiptPage(parts[1]));
            } else {
                html(ex, 404, page("Not found", "<p>Nothing here. Try <a href=\"/\">the index</a>.</p>"));
            }
        } catch (ApiError e) {
            html(ex, e.status, page("Error", "<p class=\"error\">" + esc(e.getMessage()) + "</p>"));
        }
    }

    private Map<String, Object> billingPay(String invoiceId) {
        Router.Match m = api.match("POST", "/v1/invoices/" + invoiceId + "/pay");
        return m.handler()
                .handle(new Routes.Call(
                        "POST", "/v1/invoices/" + invoiceId + "/pay", m.vars(), new Params(Map.of()), null, null));
    }

    // ---------------------------------------------------------------- checkout

    @SuppressWarnings("unchecked")
    private String checkoutPage(String id, String error) {
        return s.tx(() -> {
            Map<String, Object> session = s.store.require("checkout.session", id, "session");
            StringBuilder body = new StringBuilder();
            body.append("<h1>Checkout</h1><p class=\"muted\">")
                    .append(esc(id))
                    .append(" · mode ")
                    .append(esc((String) session.get("mode")))
                    .append("</p>");
            if (error != null) {
                body.append("<p class=\"error\">").append(esc(error)).append("</p>");
            }
            body.append("<table><tr><th>Item</th><th>Qty</th><th>Amount</th></tr>");
            for (Map<String, Object> item : (List<Map<String, Object>>) session.get("_line_items")) {
                body.append("<tr><td>")
                        .append(esc((String) item.get("description")))
                        .append("</td><td>")
                        .append(item.get("quantity") == null ? "metered" : item.get("quantity"))
                        .append("</td><td>")
                        .append(Periods.money((Long) item.get("amount_total"), (String) item.get("currency")))
                        .append("</td></tr>");
            }
            body.append("</table>");
            if (session.get("amount_total") != null) {
                body.append("<p><strong>Total due today: ")
                        .append(Periods.money((Long) session.get("amount_total"), (String) session.get("currency")))
                        .append("</strong></p>");
            }
            if (session.get("_trial_days") != null) {
                body.append("<p>Includes a ").append(session.get("_trial_days")).append("-day free trial.</p>");
            }
            String status = (String) session.get("status");
            if ("open".equals(status)) {
                body.append("<form method=\"post\" action=\"/checkout/")
                        .append(esc(id))
                        .append("/pay\">");
                if (Boolean.TRUE.equals(session.get("allow_promotion_codes"))) {
                    body.append("<p><label>Promotion code <input name=\"promotion_code\"></label></p>");
                }
                body.append("<button type=\"submit\" id=\"pay\">Pay with test card 4242</button> ")
                        .append("<button type=\"submit\" id=\"pay-declined\" name=\"decline_code\" ")
                        .append("value=\"generic_decline\" class=\"secondary\">Pay with a declined card</button>")
                        .append("</form>");
                if (session.get("cancel_url") != null) {
                    body.append("<p><a href=\"")
                            .append(esc((String) session.get("cancel_url")))
                            .append("\">Cancel and go back</a></p>");
                }
            } else {
                body.append("<p>This session is <strong>").append(esc(status)).append("</strong>.</p>");
                if ("complete".equals(status) && session.get("success_url") != null) {
                    body.append("<p><a href=\"")
                            .append(esc(successUrl(session)))
                            .append("\">Continue</a></p>");
                }
            }
            return page("Checkout", body.toString());
        });
    }

    private void payCheckout(HttpExchange ex, String id, Params form) throws IOException {
        String decline = form.strOrNull("decline_code");
        String promo = form.strOrNull("promotion_code");
        CheckoutCompletion result;
        try {
            result = s.tx(() -> emulator.checkout().complete(id, decline, null, promo));
        } catch (ApiError e) {
            html(ex, e.status, checkoutPage(id, e.getMessage()));
            return;
        }
        if (!result.completed()) {
            html(
                    ex,
                    402,
                    checkoutPage(id, Cards.declineMessage(result.declineCode()) + " (" + result.declineCode() + ")"));
            return;
        }
        String success = s.tx(() -> {
            Map<String, Object> session = s.store.get(id);
            return session.get("success_url") == null ? null : successUrl(session);
        });
        if (success != null) {
            redirect(ex, success);
        } else {
            html(ex, 200, page("Thanks", "<h1>Payment complete</h1><p>Session " + esc(id) + " is complete.</p>"));
        }
    }

    private static String successUrl(Map<String, Object> session) {
        return ((String) session.get("success_url")).replace("{CHECKOUT_SESSION_ID}", (String) session.get("id"));
    }

    // ---------------------------------------------------------------- portal

    @SuppressWarnings("unchecked")
    private String portalPage(String id) {
        return s.tx(() -> {
            Map<String, Object> portal = s.store.require("billing_portal.session", id, "session");
            String customerId = (String) portal.get("customer");
            Map<String, Object> customer = s.store.get(customerId);
            StringBuilder body = new StringBuilder("<h1>Billing portal</h1>");
            body.append("<p>")
                    .append(esc(String.valueOf(customer.get("email"))))
                    .append(" · ")
                    .append(esc(customerId))
                    .append("</p><h2>Subscriptions</h2>");
            List<Map<String, Object>> subs =
                    s.store.newestFirst("subscription", o -> customerId.equals(o.get("customer")));
            if (subs.isEmpty()) {
                body.append("<p class=\"muted\">No subscriptions.</p>");
            }
            for (Map<String, Object> sub : subs) {
                Map<String, Object> item = SubscriptionShape.itemsOf(sub).get(0);
                Map<String, Object> price = (Map<String, Object>) item.get("price");
                body.append("<div class=\"card\"><p><strong>")
                        .append(esc(products.productName(price)))
                        .append("</strong> · ")
                        .append(esc((String) sub.get("status")))
                        .append(" · renews ")
                        .append(Periods.day(SubscriptionShape.currentPeriodEnd(sub)))
                        .append("</p>");
                String subId = (String) sub.get("id");
                // Ended subscriptions (canceled, or expired before their first payment) take no change at Stripe.
                if (!"canceled".equals(sub.get("status")) && !"incomplete_expired".equals(sub.get("status"))) {
                    if (Boolean.TRUE.equals(sub.get("cancel_at_period_end"))) {
                        body.append("<p>Cancels at period end.</p>").append(button(id, subId, "renew", "Renew"));
                    } else {
                        body.append(button(id, subId, "cancel", "Cancel at period end"));
                    }
                    body.append(button(id, subId, "cancel_now", "Cancel now"));
                }
                body.append("</div>");
            }
            body.append("<h2>Invoices</h2><ul>");
            for (Map<String, Object> inv : s.store.newestFirst("invoice", o -> customerId.equals(o.get("customer")))) {
                body.append("<li><a href=\"/invoice/")
                        .append(esc((String) inv.get("id")))
                        .append("\">")
                        .append(esc(String.valueOf(inv.get("number"))))
                        .append("</a> ")
                        .append(Periods.money((Long) inv.get("total"), (String) inv.get("currency")))
                        .append(" · ")
                        .append(esc((String) inv.get("status")))
                        .append("</li>");
            }
            body.append("</ul>");
            if (portal.get("return_url") != null) {
                body.append("<p><a href=\"")
                        .append(esc((String) portal.get("return_url")))
                        .append("\">Return</a></p>");
            }
            return page("Billing portal", body.toString());
        });
    }

    private static String button(String portalId, String subId, String action, String label) {
        return "<form method=\"post\" action=\"/portal/" + esc(portalId) + "/subscriptions/" + esc(subId) + "/" + action
                + "\"><button type=\"submit\">" + esc(label) + "</button></form>";
    }

    private void portalAction(String portalId, String subId, String action) {
        s.run(() -> {
            Map<String, Object> portal = s.store.require("billing_portal.session", portalId, "session");
            Map<String, Object> sub = s.store.require("subscription", subId, "subscription");
            if (!portal.get("customer").equals(sub.get("customer"))) {
                throw ApiError.noSuch("subscription", subId, "subscription");
            }
            String path = "/v1/subscriptions/" + subId;
            Map<String, Object> params = switch (action) {
                case "cancel" -> Map.of("cancel_at_period_end", "true");
                case "renew" -> Map.of("cancel_at_period_end", "false");
                case "cancel_now" -> null;
                default -> throw ApiError.invalid("Unknown portal action " + action, null);
            };
            String method = params == null ? "DELETE" : "POST";
            Router.Match m = api.match(method, path);
            m.handler()
                    .handle(new Routes.Call(
                            method, path, m.vars(), new Params(params == null ? Map.of() : params), null, null));
        });
    }

    // ---------------------------------------------------------------- invoices, receipts

    @SuppressWarnings("unchecked")
    private String invoicePage(String id, String error) {
        return s.tx(() -> {
            Map<String, Object> inv = s.store.require("invoice", id, "invoice");
            String currency = (String) inv.get("currency");
            StringBuilder body = new StringBuilder("<h1>Invoice ")
                    .append(esc(String.valueOf(inv.get("number"))))
                    .append("</h1>");
            if (error != null) {
                body.append("<p class=\"error\">").append(esc(error)).append("</p>");
            }
            body.append("<p>Status: <strong>")
                    .append(esc((String) inv.get("status")))
                    .append("</strong></p>");
            body.append("<table><tr><th>Description</th><th>Amount</th></tr>");
            Map<String, Object> lines = (Map<String, Object>) inv.get("lines");
            for (Map<String, Object> line : (List<Map<String, Object>>) lines.get("data")) {
                body.append("<tr><td>")
                        .append(esc((String) line.get("description")))
                        .append("</td><td>")
                        .append(Periods.money((Long) line.get("amount"), currency))
                        .append("</td></tr>");
            }
            body.append("</table><p>Total ")
                    .append(Periods.money((Long) inv.get("total"), currency))
                    .append(" · Amount due ")
                    .append(Periods.money((Long) inv.get("amount_due"), currency))
                    .append(" · Paid ")
                    .append(Periods.money((Long) inv.get("amount_paid"), currency))
                    .append("</p>");
            if ("open".equals(inv.get("status"))) {
                body.append("<form method=\"post\" action=\"/invoice/")
                        .append(esc(id))
                        .append("/pay\"><button type=\"submit\">Pay invoice</button></form>");
            }
            body.append("<p><a href=\"/invoice/").append(esc(id)).append("/pdf\">Download PDF</a></p>");
            return page("Invoice", body.toString());
        });
    }

    private void pdf(HttpExchange ex, String id) throws IOException {
        String text = s.tx(() -> {
            Map<String, Object> inv = s.store.require("invoice", id, "invoice");
            return "Invoice " + inv.get("number") + " - " + inv.get("status") + " - "
                    + Periods.money((Long) inv.get("total"), (String) inv.get("currency"));
        });
        String safe = text.replace("\\", "").replace("(", "").replace(")", "");
        String content = "BT /F1 14 Tf 72 720 Td (" + safe + ") Tj ET";
        String pdf = "%PDF-1.4\n"
                + "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
                + "/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
                + "4 0 obj<</Length " + content.length() + ">>stream\n" + content + "\nendstream endobj\n"
                + "5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
                + "trailer<</Root 1 0 R>>\n%%EOF\n";
        send(ex, 200, "application/pdf", pdf.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String receiptPage(String chargeId) {
        return s.tx(() -> {
            Map<String, Object> charge = s.store.require("charge", chargeId, "charge");
            return page(
                    "Receipt",
                    "<h1>Receipt</h1><p>" + esc(chargeId) + " · "
                            + Periods.money((Long) charge.get("amount"), (String) charge.get("currency")) + " · "
                            + esc((String) charge.get("status")) + "</p>");
        });
    }

    private String index() {
        return page(
                "Stripe emulator",
                "<h1>Stripe emulator</h1><p>API base: <code>"
                        + esc(emulator.baseUrl()) + "</code> · emulated time <code>" + emulator.now()
                        + "</code></p><p>Control API: <a href=\"/_emulator\">/_emulator</a></p>");
    }

    // ---------------------------------------------------------------- html plumbing

    private static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " · Stripe emulator</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;"
                + "margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:"
                + "1px solid #ddd;padding:.4rem;text-align:left}button{padding:.5rem 1rem;margin:.3rem 0;"
                + "background:#635bff;color:#fff;border:0;border-radius:4px;cursor:pointer}.secondary{"
                + "background:#888}.error{color:#b00}.muted{color:#777}.card{border:1px solid #ddd;"
                + "border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}</style></head><body>"
                + "<p class=\"muted\">TEST MODE · Stripe emulator</p>" + body + "</body></html>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void html(HttpExchange ex, int status, String html) throws IOException {
        send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(303, -1);
        ex.close();
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        try {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Request-Id", Ids.requestId());
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            ex.close();
        }
    }
}
