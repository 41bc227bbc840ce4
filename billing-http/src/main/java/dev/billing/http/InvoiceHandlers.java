package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.model.Page;
import dev.billing.core.model.payment.Invoice;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import java.util.List;
import java.util.Map;

/** The caller's invoices, with Stripe's hosted and PDF links; paying an open one. */
final class InvoiceHandlers {
    private final Billing billing;

    InvoiceHandlers(Billing billing) {
        this.billing = billing;
    }

    Object list(Call call) {
        Page<Invoice> page = billing.useCases()
                .listInvoices()
                .of(
                        call.user(),
                        call.queryInt("limit", 1, 100, 20),
                        call.queryToken("startingAfter", CatalogHandlers.ID).orElse(null));
        return Responses.InvoiceList.of(page, refunded(call, page.items()));
    }

    Object get(Call call) {
        return view(call, billing.useCases().getInvoice().get(call.user(), call.pathParam("id")));
    }

    Object pay(Call call) {
        call.body(Requests.Empty.class);
        return view(call, billing.useCases().payInvoice().pay(call.user(), call.pathParam("id")));
    }

    private Responses.InvoiceView view(Call call, Invoice invoice) {
        return Responses.InvoiceView.of(invoice, refunded(call, List.of(invoice)));
    }

    /** The invoices come from Stripe; what went back of them is the projection's (refund webhooks). */
    private Map<String, Long> refunded(Call call, List<Invoice> invoices) {
        return billing.useCases().listRefunds().refundedOf(call.user(), invoices);
    }
}
