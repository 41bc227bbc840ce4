package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.StripeCollection;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentMethodDetachParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.SetupIntentCreateParams;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.PaymentMethod;
import dev.billing.core.model.SetupIntent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A customer's cards: listing them (with the customer's default marked), saving one through a setup intent,
 * detaching one and choosing the default.
 */
final class StripePaymentMethods {
    private final StripeClient client;
    private final StripeCalls calls;

    StripePaymentMethods(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    List<PaymentMethod> listPaymentMethods(CustomerId customerId) {
        String defaultId = defaultPaymentMethodOf(customerId.value());
        List<PaymentMethod> all = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            PaymentMethodListParams.Builder params = PaymentMethodListParams.builder()
                    .setCustomer(customerId.value()).setType(PaymentMethodListParams.Type.CARD)
                    .setLimit(StripeCalls.MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            StripeCollection<com.stripe.model.PaymentMethod> page = calls.call("list payment methods",
                    () -> client.v1().paymentMethods().list(params.build()));
            Page<PaymentMethod> mapped = calls.page("list payment methods", page,
                    pm -> StripeObjects.paymentMethod(pm, defaultId), com.stripe.model.PaymentMethod::getId);
            all.addAll(mapped.items());
            if (!mapped.hasMore()) {
                return all;
            }
            after = mapped.nextCursor();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the payment methods of " + customerId);
    }

    Optional<PaymentMethod> getPaymentMethod(String paymentMethodId) {
        Optional<com.stripe.model.PaymentMethod> found = calls.find("retrieve payment method", paymentMethodId,
                () -> client.v1().paymentMethods().retrieve(paymentMethodId));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String customer = found.get().getCustomer();
        String defaultId = customer == null ? null : defaultPaymentMethodOf(customer);
        return found.map(pm -> calls.read("retrieve payment method", pm,
                p -> StripeObjects.paymentMethod(p, defaultId)));
    }

    /** A payment method does not say whether it is the default: its customer's invoice settings do. */
    private String defaultPaymentMethodOf(String customerId) {
        Customer customer = calls.call("retrieve customer", () -> client.v1().customers().retrieve(customerId));
        return calls.read("retrieve customer", customer, StripeObjects::defaultPaymentMethod);
    }

    SetupIntent createSetupIntent(CustomerId customerId, String idempotencyKey) {
        SetupIntentCreateParams params = SetupIntentCreateParams.builder().setCustomer(customerId.value())
                .addPaymentMethodType("card").build();
        com.stripe.model.SetupIntent intent = calls.call("create setup intent",
                () -> client.v1().setupIntents().create(params, StripeCalls.keyed(idempotencyKey)));
        return calls.read("create setup intent", intent, StripeObjects::setupIntent);
    }

    void detachPaymentMethod(String paymentMethodId) {
        StripeCalls.requireId(paymentMethodId, "paymentMethodId");
        calls.call("detach payment method", () -> client.v1().paymentMethods()
                .detach(paymentMethodId, PaymentMethodDetachParams.builder().build()));
    }

    void setDefaultPaymentMethod(CustomerId customerId, String paymentMethodId) {
        StripeCalls.requireId(paymentMethodId, "paymentMethodId");
        CustomerUpdateParams params = CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId).build())
                .build();
        calls.call("set default payment method", () -> client.v1().customers().update(customerId.value(), params));
    }
}
