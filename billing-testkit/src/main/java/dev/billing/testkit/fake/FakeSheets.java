package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.IncompleteSubscription;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mobile PaymentSheet's side of the fake: ephemeral keys, subscriptions created incomplete (trialing with a setup
 * intent when there is a trial) and payment intents, all awaiting a confirmation the fake never makes.
 */
final class FakeSheets {
    private final Clock clock;
    private final AtomicLong ids;
    private final FakeSubscriptions subscriptions;
    private final Map<String, SheetIntent> intents = new ConcurrentHashMap<>();
    /** The payment intents made for one-time payments, as their events carry them, and what each asks for. */
    private final Map<String, EventObject.OfPaymentIntent> payments = new ConcurrentHashMap<>();

    private final Map<String, Money> amounts = new ConcurrentHashMap<>();

    FakeSheets(Clock clock, AtomicLong ids, FakeSubscriptions subscriptions) {
        this.clock = clock;
        this.ids = ids;
        this.subscriptions = subscriptions;
    }

    EphemeralKey ephemeralKey(CustomerId customer) {
        long id = ids.incrementAndGet();
        return new EphemeralKey(
                "ephkey_fake_" + id, "ek_test_fake_" + id, clock.instant().plus(Duration.ofHours(1)));
    }

    IncompleteSubscription create(IncompleteSubscriptionRequest request) {
        LineItem.OfPrice plan = (LineItem.OfPrice) request.lineItems().get(0);
        boolean trial = request.trialDays() > 0;
        Subscription s = subscriptions.create(
                request.customerId(),
                plan.priceId(),
                plan.quantity(),
                trial ? SubscriptionStatus.TRIALING : SubscriptionStatus.INCOMPLETE,
                request.trialDays(),
                request.metadata());
        SheetIntent intent =
                trial ? intent(SheetIntent.Kind.SETUP, "seti_fake_") : intent(SheetIntent.Kind.PAYMENT, "pi_fake_");
        intents.put(s.id(), intent);
        return new IncompleteSubscription(s, intent);
    }

    Optional<IncompleteSubscription> get(String subscriptionId) {
        return subscriptions.get(subscriptionId).map(s -> new IncompleteSubscription(s, intents.get(s.id())));
    }

    SheetIntent paymentIntent(PaymentIntentRequest request) {
        SheetIntent intent = intent(SheetIntent.Kind.PAYMENT, "pi_fake_");
        amounts.put(intent.id(), request.amount());
        Money none = new Money(0, request.amount().currency()); // Stripe's amount_received before a payment
        payments.put(
                intent.id(),
                new EventObject.OfPaymentIntent(
                        intent.id(), request.customerId(), intent.status(), none, request.metadata()));
        return intent;
    }

    Optional<EventObject.OfPaymentIntent> paymentIntent(String paymentIntentId) {
        return Optional.ofNullable(payments.get(paymentIntentId));
    }

    EventObject.OfPaymentIntent succeed(String paymentIntentId) {
        return payments.computeIfPresent(
                paymentIntentId,
                (id, pi) -> new EventObject.OfPaymentIntent(
                        id, pi.customerId(), "succeeded", amounts.get(id), pi.metadata()));
    }

    private SheetIntent intent(SheetIntent.Kind kind, String prefix) {
        String id = prefix + ids.incrementAndGet();
        return new SheetIntent(kind, id, id + "_secret_fake", "requires_payment_method");
    }
}
