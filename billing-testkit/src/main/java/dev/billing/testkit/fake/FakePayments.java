package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.Money;
import dev.billing.core.model.Refund;
import dev.billing.core.model.RefundRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's one-time payments and their refunds, which never exceed what was paid. Not thread-safe:
 * {@link FakePaymentGateway} calls it under its lock.
 */
final class FakePayments {
    private final AtomicLong ids;
    private final Map<String, Long> paymentIntents = new HashMap<>();
    private final List<Refund> refunds = new ArrayList<>();

    /** @param ids the gateway's, so that ids of every kind come from one sequence */
    FakePayments(AtomicLong ids) {
        this.ids = ids;
    }

    /** A succeeded payment intent of {@code amount}; returns its id. */
    String pay(long amount) {
        String intent = "pi_fake_" + ids.incrementAndGet();
        paymentIntents.put(intent, amount);
        return intent;
    }

    Refund refund(RefundRequest request) {
        Long paid = paymentIntents.get(request.paymentIntentId());
        if (paid == null) {
            throw FakeErrors.missing("payment_intent", request.paymentIntentId());
        }
        long refunded = refunds.stream().filter(r -> r.paymentIntentId().equals(request.paymentIntentId()))
                .mapToLong(r -> r.amount().amount()).sum();
        long amount = request.amount() == null ? paid - refunded : request.amount();
        if (amount <= 0 || refunded + amount > paid) {
            throw new GatewayRejectedException("Refund exceeds the charge.", 400, "charge_already_refunded",
                    "amount");
        }
        Refund refund = new Refund("re_fake_" + ids.incrementAndGet(), request.paymentIntentId(),
                new Money(amount, "usd"), "succeeded");
        refunds.add(refund);
        return refund;
    }

    List<Refund> refunds() {
        return List.copyOf(refunds);
    }
}
