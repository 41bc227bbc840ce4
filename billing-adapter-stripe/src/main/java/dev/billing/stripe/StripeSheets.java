package dev.billing.stripe;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.model.Invoice;
import com.stripe.param.EphemeralKeyCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionRetrieveParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.payment.EphemeralKey;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.IncompleteSubscription;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.LineItem;
import java.time.Instant;
import java.util.Optional;

/**
 * What Stripe's mobile PaymentSheet needs from the backend: ephemeral keys, subscriptions created
 * {@code default_incomplete} (their first invoice's {@code confirmation_secret}, or their {@code pending_setup_intent}
 * when a trial makes the first invoice 0) and payment intents for one-time items.
 */
final class StripeSheets {
    /** Every subscription read here names what its app still has to confirm, and keeps its discount's coupon. */
    private static final String[] EXPANSIONS = {
        "latest_invoice.confirmation_secret", "pending_setup_intent", "discounts.source.coupon"
    };

    private final StripeClient client;
    private final StripeCalls calls;
    private final RefetchStamps stamps;
    private final StripeCheckout checkout;

    StripeSheets(StripeClient client, StripeCalls calls, RefetchStamps stamps, StripeCheckout checkout) {
        this.client = client;
        this.calls = calls;
        this.stamps = stamps;
        this.checkout = checkout;
    }

    EphemeralKey createEphemeralKey(CustomerId customerId, String stripeVersion) {
        // stripe-java sends the version as the Stripe-Version header Stripe requires for ephemeral keys.
        EphemeralKeyCreateParams params = EphemeralKeyCreateParams.builder()
                .setCustomer(customerId.value())
                .setStripeVersion(stripeVersion == null ? Stripe.API_VERSION : stripeVersion)
                .build();
        com.stripe.model.EphemeralKey key = calls.call(
                "create ephemeral key", () -> client.v1().ephemeralKeys().create(params));
        return calls.read(
                "create ephemeral key",
                key,
                k -> new EphemeralKey(k.getId(), k.getSecret(), Instant.ofEpochSecond(k.getExpires())));
    }

    IncompleteSubscription createIncompleteSubscription(IncompleteSubscriptionRequest request) {
        SubscriptionCreateParams.Builder params = SubscriptionCreateParams.builder()
                .setCustomer(request.customerId().value())
                .setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE)
                // The card the app confirms pays the renewals too.
                .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                        .setSaveDefaultPaymentMethod(
                                SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod.ON_SUBSCRIPTION)
                        .build());
        for (String expand : EXPANSIONS) {
            params.addExpand(expand);
        }
        for (LineItem line : request.lineItems()) {
            params.addItem(item(line));
        }
        if (request.trialDays() > 0) {
            params.setTrialPeriodDays((long) request.trialDays())
                    // A trial starts before any card is saved: without one by its end, it ends rather than bills.
                    .setTrialSettings(SubscriptionCreateParams.TrialSettings.builder()
                            .setEndBehavior(SubscriptionCreateParams.TrialSettings.EndBehavior.builder()
                                    .setMissingPaymentMethod(
                                            SubscriptionCreateParams.TrialSettings.EndBehavior.MissingPaymentMethod
                                                    .CANCEL)
                                    .build())
                            .build());
        }
        if (!request.metadata().isEmpty()) {
            params.putAllMetadata(request.metadata());
        }
        if (request.automaticTax()) {
            params.setAutomaticTax(SubscriptionCreateParams.AutomaticTax.builder()
                    .setEnabled(true)
                    .build());
        }
        if (request.promotionCode() != null) {
            params.addDiscount(SubscriptionCreateParams.Discount.builder()
                    .setPromotionCode(checkout.promotionCodeId(request.promotionCode()))
                    .build());
        }
        SourceVersion asked = stamps.next();
        com.stripe.model.Subscription created = calls.call(
                "create subscription",
                () -> client.v1().subscriptions().create(params.build(), StripeCalls.keyed(request.idempotencyKey())));
        return calls.read("create subscription", created, s -> incomplete(s, asked));
    }

    Optional<IncompleteSubscription> getIncompleteSubscription(String subscriptionId) {
        SubscriptionRetrieveParams.Builder params = SubscriptionRetrieveParams.builder();
        for (String expand : EXPANSIONS) {
            params.addExpand(expand);
        }
        SourceVersion asked = stamps.next();
        return calls.find(
                        "retrieve subscription",
                        subscriptionId,
                        () -> client.v1().subscriptions().retrieve(subscriptionId, params.build(), null))
                .map(s -> calls.read("retrieve subscription", s, r -> incomplete(r, asked)));
    }

    /**
     * The subscription with its intent: the first invoice's payment intent (named by its client secret, which
     * begins with the intent's id, and read for its status) or the pending setup intent.
     */
    private IncompleteSubscription incomplete(com.stripe.model.Subscription s, SourceVersion asked) {
        SheetIntent intent = null;
        Invoice invoice = s.getLatestInvoiceObject();
        String secret = invoice == null || invoice.getConfirmationSecret() == null
                ? null
                : invoice.getConfirmationSecret().getClientSecret();
        if (secret != null && secret.contains("_secret_")) {
            String id = secret.substring(0, secret.indexOf("_secret_"));
            com.stripe.model.PaymentIntent pi = calls.call(
                    "retrieve payment intent",
                    () -> client.v1().paymentIntents().retrieve(id));
            intent = new SheetIntent(SheetIntent.Kind.PAYMENT, id, secret, pi.getStatus());
        } else if (s.getPendingSetupIntentObject() != null) {
            com.stripe.model.SetupIntent si = s.getPendingSetupIntentObject();
            intent = new SheetIntent(SheetIntent.Kind.SETUP, si.getId(), si.getClientSecret(), si.getStatus());
        }
        return new IncompleteSubscription(StripeObjects.subscription(s, asked), intent);
    }

    SheetIntent createPaymentIntent(PaymentIntentRequest request) {
        PaymentIntentCreateParams params = PaymentIntentCreateParams.builder()
                .setAmount(request.amount().amount())
                .setCurrency(request.amount().currency())
                .setCustomer(request.customerId().value())
                .setDescription(request.description())
                .putAllMetadata(request.metadata())
                .setAutomaticPaymentMethods(PaymentIntentCreateParams.AutomaticPaymentMethods.builder()
                        .setEnabled(true)
                        .build())
                .build();
        com.stripe.model.PaymentIntent pi = calls.call(
                "create payment intent",
                () -> client.v1().paymentIntents().create(params, StripeCalls.keyed(request.idempotencyKey())));
        return calls.read(
                "create payment intent",
                pi,
                p -> new SheetIntent(SheetIntent.Kind.PAYMENT, p.getId(), p.getClientSecret(), p.getStatus()));
    }

    Optional<EventObject.OfPaymentIntent> getPaymentIntent(String paymentIntentId) {
        return calls.find(
                        "retrieve payment intent",
                        paymentIntentId,
                        () -> client.v1().paymentIntents().retrieve(paymentIntentId))
                .map(p -> calls.read("retrieve payment intent", p, StripeSheets::paymentIntent));
    }

    /** The intent as its events carry it ({@code StripeJson}): what a PaymentSheet purchase is recorded from. */
    private static EventObject.OfPaymentIntent paymentIntent(com.stripe.model.PaymentIntent p) {
        Long received = p.getAmountReceived();
        return new EventObject.OfPaymentIntent(
                p.getId(),
                p.getCustomer() == null ? null : CustomerId.of(p.getCustomer()),
                p.getStatus(),
                received == null ? null : new Money(received, p.getCurrency()),
                p.getMetadata());
    }

    private static SubscriptionCreateParams.Item item(LineItem line) {
        if (line instanceof LineItem.OfPrice ofPrice) {
            return SubscriptionCreateParams.Item.builder()
                    .setPrice(ofPrice.priceId())
                    .setQuantity(ofPrice.quantity())
                    .build();
        }
        if (line instanceof LineItem.Metered metered) {
            // Stripe refuses a quantity on a metered price: usage sets what is billed.
            return SubscriptionCreateParams.Item.builder()
                    .setPrice(metered.priceId())
                    .build();
        }
        throw new IllegalArgumentException("a subscription is made of catalog prices, not " + line);
    }
}
