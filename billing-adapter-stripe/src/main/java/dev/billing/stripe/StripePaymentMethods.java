package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentMethodDetachParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.SetupIntentCreateParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.SetupIntent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A customer's cards: listing them (with the card that pays marked as the default), saving one through a setup
 * intent, detaching one and choosing the default.
 *
 * <p>Stripe charges a subscription's own {@code default_payment_method} before the customer's invoice default, and
 * Checkout sets the former. So choosing the default sets both: the customer's invoice default and the default of every
 * subscription not ended; and the card listed as the default is the one a live subscription pays with, else the
 * customer's invoice default. A subscription's own default that the customer removed no longer pays: Stripe charges
 * the customer's invoice default instead, and that is the card listed.
 */
final class StripePaymentMethods {
    private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");

    private final StripeClient client;
    private final StripeCalls calls;

    StripePaymentMethods(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        String defaultId = payingPaymentMethodOf(customerId.value());
        List<PaymentMethod> all = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            PaymentMethodListParams.Builder params = PaymentMethodListParams.builder()
                    .setCustomer(customerId.value())
                    .setType(PaymentMethodListParams.Type.CARD)
                    .setLimit(StripeCalls.MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            StripeCollection<com.stripe.model.PaymentMethod> page = calls.call(
                    "list payment methods", () -> client.v1().paymentMethods().list(params.build()));
            Page<PaymentMethod> mapped = calls.page(
                    "list payment methods",
                    page,
                    pm -> StripeObjects.paymentMethod(pm, defaultId),
                    com.stripe.model.PaymentMethod::getId);
            all.addAll(mapped.items());
            if (!mapped.hasMore()) {
                return all;
            }
            after = mapped.nextCursor();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the payment methods of " + customerId);
    }

    Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        Optional<com.stripe.model.PaymentMethod> found = calls.find(
                "retrieve payment method",
                paymentMethodId,
                () -> client.v1().paymentMethods().retrieve(paymentMethodId));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String customer = found.get().getCustomer();
        String defaultId = customer == null ? null : payingPaymentMethodOf(customer);
        return found.map(
                pm -> calls.read("retrieve payment method", pm, p -> StripeObjects.paymentMethod(p, defaultId)));
    }

    /**
     * The card Stripe charges next: a live subscription's own default while it is still the customer's (a card the
     * customer removed pays nothing), else the customer's invoice default. A payment method does not say whether it is
     * either.
     */
    private String payingPaymentMethodOf(String customerId) {
        for (Subscription subscription : liveSubscriptions(customerId)) {
            com.stripe.model.PaymentMethod own = subscription.getDefaultPaymentMethodObject();
            if (own != null && customerId.equals(own.getCustomer())) {
                return own.getId();
            }
        }
        Customer customer =
                calls.call("retrieve customer", () -> client.v1().customers().retrieve(customerId));
        return calls.read("retrieve customer", customer, StripeObjects::defaultPaymentMethod);
    }

    /**
     * The customer's subscriptions that can still be charged (not canceled, not expired while incomplete), each with
     * its own default payment method expanded (whose customer says whether it still pays).
     */
    private List<Subscription> liveSubscriptions(String customerId) {
        List<Subscription> live = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                    .setCustomer(customerId)
                    .setStatus(SubscriptionListParams.Status.ALL)
                    .setLimit(StripeCalls.MAX_PAGE)
                    .addExpand("data.default_payment_method");
            if (after != null) {
                params.setStartingAfter(after);
            }
            StripeCollection<Subscription> page = calls.call(
                    "list subscriptions", () -> client.v1().subscriptions().list(params.build()));
            for (Subscription subscription : page.getData()) {
                if (!ENDED.contains(subscription.getStatus())) {
                    live.add(subscription);
                }
            }
            if (!Boolean.TRUE.equals(page.getHasMore()) || page.getData().isEmpty()) {
                return live;
            }
            after = page.getData().get(page.getData().size() - 1).getId();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the subscriptions of " + customerId);
    }

    SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        return createSetupIntent(customerId, Map.of(), idempotencyKey);
    }

    SetupIntent createSetupIntent(CustomerId customerId, Map<String, String> metadata, String idempotencyKey) {
        SetupIntentCreateParams.Builder builder = SetupIntentCreateParams.builder()
                .setCustomer(customerId.value())
                .addPaymentMethodType("card");
        if (!metadata.isEmpty()) {
            builder.putAllMetadata(metadata);
        }
        SetupIntentCreateParams params = builder.build();
        com.stripe.model.SetupIntent intent = calls.call(
                "create setup intent",
                () -> client.v1().setupIntents().create(params, StripeCalls.keyed(idempotencyKey)));
        return calls.read("create setup intent", intent, StripeObjects::setupIntent);
    }

    void detachPaymentMethod(String paymentMethodId) {
        StripeCalls.requireId(paymentMethodId, "paymentMethodId");
        calls.call(
                "detach payment method",
                () -> client.v1()
                        .paymentMethods()
                        .detach(
                                paymentMethodId,
                                PaymentMethodDetachParams.builder().build()));
    }

    /**
     * Makes the card pay from now on: the customer's invoice default, and the default of each subscription not ended
     * (each update sets a value, so a retry after a failure part way is safe).
     */
    void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        StripeCalls.requireId(paymentMethodId, "paymentMethodId");
        CustomerUpdateParams params = CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId)
                        .build())
                .build();
        calls.call("set default payment method", () -> client.v1().customers().update(customerId.value(), params));
        SubscriptionUpdateParams subscriptionDefault = SubscriptionUpdateParams.builder()
                .setDefaultPaymentMethod(paymentMethodId)
                .build();
        for (Subscription subscription : liveSubscriptions(customerId.value())) {
            if (!paymentMethodId.equals(subscription.getDefaultPaymentMethod())) {
                calls.call(
                        "set a subscription's default payment method",
                        () -> client.v1().subscriptions().update(subscription.getId(), subscriptionDefault));
            }
        }
    }
}
