package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's one-time payments and their refunds, which never exceed what was paid. Not thread-safe:
 * {@link FakePaymentGateway} calls it under its lock.
 */
final class FakePayments {
    private final Clock clock;
    private final RefetchStamps stamps;
    private final AtomicLong ids;
    private final Map<String, Payment> paymentIntents = new HashMap<>();
    private final List<Refunded> refunds = new ArrayList<>();

    /** A payment intent's amount and payer (null: a guest). */
    private record Payment(long amount, CustomerId customer) {}

    private record Refunded(Refund refund, CustomerId customer, Instant created, boolean auditedByRequest) {}

    /** @param ids the gateway's, so that ids of every kind come from one sequence; likewise {@code stamps} */
    FakePayments(Clock clock, RefetchStamps stamps, AtomicLong ids) {
        this.clock = clock;
        this.stamps = stamps;
        this.ids = ids;
    }

    /** A succeeded payment intent of {@code amount} by {@code customer} (null: a guest); returns its id. */
    String pay(long amount, CustomerId customer) {
        String intent = "pi_fake_" + ids.incrementAndGet();
        paymentIntents.put(intent, new Payment(amount, customer));
        return intent;
    }

    Refund refund(RefundRequest request) {
        Payment paid = paymentIntents.get(request.paymentIntentId());
        if (paid == null) {
            throw FakeErrors.missing("payment_intent", request.paymentIntentId());
        }
        long refunded = refunds.stream()
                .filter(r -> r.refund().paymentIntentId().equals(request.paymentIntentId()))
                .mapToLong(r -> r.refund().amount().amount())
                .sum();
        long amount = request.amount() == null ? paid.amount() - refunded : request.amount();
        if (amount <= 0 || refunded + amount > paid.amount()) {
            throw new GatewayRejectedException("Refund exceeds the charge.", 400, "charge_already_refunded", "amount");
        }
        Refund refund = new Refund(
                "re_fake_" + ids.incrementAndGet(),
                request.paymentIntentId(),
                new Money(amount, "usd"),
                "succeeded",
                paid.customer());
        refunds.add(new Refunded(refund, paid.customer(), clock.instant(), request.auditedByRequest()));
        return refund;
    }

    /** The refund with its payer, as the gateway reads it back; empty for an unknown refund or a guest's. */
    Optional<PaymentRefund> find(String refundId) {
        return refunds.stream()
                .filter(r -> r.refund().id().equals(refundId) && r.customer() != null)
                .findFirst()
                .map(r -> new PaymentRefund(
                        r.refund().id(),
                        r.customer(),
                        null,
                        r.refund().paymentIntentId(),
                        r.refund().amount().amount(),
                        r.refund().amount().currency(),
                        r.refund().status(),
                        null,
                        r.created(),
                        stamps.next(),
                        r.auditedByRequest()));
    }

    List<Refund> refunds() {
        return refunds.stream().map(Refunded::refund).toList();
    }
}
