package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundRetrieveParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Refunds a payment intent, in full or in part, and reads a refund back with its customer. */
final class StripeRefunds {
    /**
     * The metadata a refund made through {@code RefundPayment} carries: that request records its audit entry, taking
     * over its webhook's ({@link PaymentRefund#auditedByRequest()}).
     */
    static final String AUDITED_BY = "billing_audited_by";

    static final String AUDITED_BY_REQUEST = "request";

    private final StripeClient client;
    private final StripeCalls calls;
    private final RefetchStamps stamps;

    /** @param stamps the gateway's, so that every object it reads is versioned in one sequence */
    StripeRefunds(StripeClient client, StripeCalls calls, RefetchStamps stamps) {
        this.client = client;
        this.calls = calls;
        this.stamps = stamps;
    }

    Refund createRefund(RefundRequest request) {
        RefundCreateParams.Builder params = RefundCreateParams.builder().setPaymentIntent(request.paymentIntentId());
        if (request.auditedByRequest()) {
            params.putMetadata(AUDITED_BY, AUDITED_BY_REQUEST);
        }
        if (request.amount() != null) {
            params.setAmount(request.amount());
        }
        if (request.reason() != null) {
            Optional<RefundCreateParams.Reason> known = refundReason(request.reason());
            if (known.isPresent()) {
                params.setReason(known.get());
            } else {
                params.putExtraParam("reason", request.reason()); // Stripe validates it
            }
        }
        com.stripe.model.Refund refund = calls.call(
                "create refund",
                () -> client.v1().refunds().create(params.build(), StripeCalls.keyed(request.idempotencyKey())));
        return calls.read("create refund", refund, StripeObjects::refund);
    }

    /** The refund with its charge expanded: older API versions name the customer on the charge only. */
    Optional<PaymentRefund> getRefund(String refundId) {
        RefundRetrieveParams params =
                RefundRetrieveParams.builder().addExpand("charge").build();
        SourceVersion asked = stamps.next(); // a read: versioned when asked for (see RefetchStamps)
        return calls.find(
                        "retrieve refund", refundId, () -> client.v1().refunds().retrieve(refundId, params))
                .flatMap(r -> calls.read("retrieve refund", r, answer -> refund(answer, asked)));
    }

    private static Optional<PaymentRefund> refund(com.stripe.model.Refund r, SourceVersion version) {
        String customer = r.getCustomer();
        if (customer == null && r.getChargeObject() != null) {
            customer = r.getChargeObject().getCustomer();
        }
        if (customer == null) {
            return Optional.empty(); // a guest's payment
        }
        return Optional.of(new PaymentRefund(
                r.getId(),
                CustomerId.of(customer),
                r.getCharge(),
                r.getPaymentIntent(),
                r.getAmount(),
                r.getCurrency(),
                r.getStatus(),
                r.getReason(),
                Instant.ofEpochSecond(r.getCreated()),
                version,
                r.getMetadata() != null
                        && AUDITED_BY_REQUEST.equals(r.getMetadata().get(AUDITED_BY))));
    }

    private static Optional<RefundCreateParams.Reason> refundReason(String reason) {
        for (RefundCreateParams.Reason value : RefundCreateParams.Reason.values()) {
            if (value.getValue().equals(reason.toLowerCase(Locale.ROOT))) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
