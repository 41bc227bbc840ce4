package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.StripeCollection;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.InvoicePayParams;
import com.stripe.param.InvoicePaymentListParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.subscription.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a customer's invoices and pays an open one. */
final class StripeInvoices {
    private final StripeClient client;
    private final StripeCalls calls;
    private final RefetchStamps stamps;

    /** @param stamps the gateway's, so that every object it reads is versioned in one sequence */
    StripeInvoices(StripeClient client, StripeCalls calls, RefetchStamps stamps) {
        this.client = client;
        this.calls = calls;
        this.stamps = stamps;
    }

    Page<Invoice> listInvoices(CustomerId customerId, int limit, String startingAfter) {
        if (limit < 1 || limit > StripeCalls.MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
        InvoiceListParams.Builder params =
                InvoiceListParams.builder().setCustomer(customerId.value()).setLimit((long) limit);
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        SourceVersion asked = stamps.next();
        StripeCollection<com.stripe.model.Invoice> page =
                calls.call("list invoices", () -> client.v1().invoices().list(params.build()));
        return calls.page("list invoices", page, i -> StripeObjects.invoice(i, asked), com.stripe.model.Invoice::getId);
    }

    /** One call: Stripe's list filtered by the subscription and the paid status, one invoice at most. */
    boolean hasPaidInvoice(Subscription subscription) {
        InvoiceListParams params = InvoiceListParams.builder()
                .setCustomer(subscription.customerId().value())
                .setSubscription(subscription.id())
                .setStatus(InvoiceListParams.Status.PAID)
                .setLimit(1L)
                .build();
        StripeCollection<com.stripe.model.Invoice> page =
                calls.call("list paid invoices", () -> client.v1().invoices().list(params));
        return calls.read("list paid invoices", page, p -> !p.getData().isEmpty());
    }

    /** A read, versioned when it is asked for (see {@link RefetchStamps}). */
    Optional<Invoice> getInvoice(String invoiceId) {
        SourceVersion asked = stamps.next();
        return calls.find(
                        "retrieve invoice",
                        invoiceId,
                        () -> client.v1().invoices().retrieve(invoiceId))
                .map(i -> calls.read("retrieve invoice", i, r -> StripeObjects.invoice(r, asked)));
    }

    Invoice payInvoice(String invoiceId, String paymentMethodId, String idempotencyKey) {
        StripeCalls.requireId(invoiceId, "invoiceId");
        InvoicePayParams params = paymentMethodId == null
                ? InvoicePayParams.builder().build()
                : InvoicePayParams.builder().setPaymentMethod(paymentMethodId).build();
        com.stripe.model.Invoice paid = calls.call(
                "pay invoice", () -> client.v1().invoices().pay(invoiceId, params, StripeCalls.keyed(idempotencyKey)));
        return calls.read("pay invoice", paid, this::invoice);
    }

    /** The invoice's paid payments that name a payment intent (one page of 100: an invoice is paid in few parts). */
    List<InvoicePayment> listInvoicePayments(String invoiceId) {
        StripeCalls.requireId(invoiceId, "invoiceId");
        InvoicePaymentListParams params = InvoicePaymentListParams.builder()
                .setInvoice(invoiceId)
                .setStatus(InvoicePaymentListParams.Status.PAID)
                .setLimit((long) StripeCalls.MAX_PAGE)
                .build();
        StripeCollection<com.stripe.model.InvoicePayment> page = calls.call(
                "list invoice payments", () -> client.v1().invoicePayments().list(params));
        return calls.read("list invoice payments", page, p -> {
            List<InvoicePayment> paid = new ArrayList<>();
            for (com.stripe.model.InvoicePayment payment :
                    p.getData() == null ? List.<com.stripe.model.InvoicePayment>of() : p.getData()) {
                String intent = payment.getPayment() == null
                        ? null
                        : payment.getPayment().getPaymentIntent();
                if ("paid".equals(payment.getStatus()) && intent != null) {
                    paid.add(new InvoicePayment(invoiceId, intent));
                }
            }
            return paid;
        });
    }

    /** The answer to our own change, versioned when it came back (see {@link RefetchStamps}). */
    private Invoice invoice(com.stripe.model.Invoice i) {
        return StripeObjects.invoice(i, stamps.next());
    }
}
