package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/** The caller's invoices, with Stripe's hosted and PDF links; paying an open one. */
final class InvoiceHandlers {
    private final Billing billing;

    InvoiceHandlers(Billing billing) {
        this.billing = billing;
    }

    Object list(Call call) {
        return Responses.InvoiceList.of(billing.useCases().listInvoices().of(call.user(),
                call.queryInt("limit", 1, 100, 20), call.queryToken("startingAfter", CatalogHandlers.ID).orElse(null)));
    }

    Object get(Call call) {
        return Responses.InvoiceView.of(billing.useCases().getInvoice().get(call.user(), call.pathParam("id")));
    }

    Object pay(Call call) {
        call.body(Requests.Empty.class);
        return Responses.InvoiceView.of(billing.useCases().payInvoice().pay(call.user(), call.pathParam("id")));
    }
}
