package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.param.RefundCreateParams;
import dev.billing.core.model.Refund;
import dev.billing.core.model.RefundRequest;

import java.util.Locale;
import java.util.Optional;

/** Refunds a payment intent, in full or in part. */
final class StripeRefunds {
    private final StripeClient client;
    private final StripeCalls calls;

    StripeRefunds(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    Refund createRefund(RefundRequest request) {
        RefundCreateParams.Builder params = RefundCreateParams.builder().setPaymentIntent(request.paymentIntentId());
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
        com.stripe.model.Refund refund = calls.call("create refund",
                () -> client.v1().refunds().create(params.build(), StripeCalls.keyed(request.idempotencyKey())));
        return calls.read("create refund", refund, StripeObjects::refund);
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
