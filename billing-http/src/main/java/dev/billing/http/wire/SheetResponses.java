package dev.billing.http.wire;

/** What the mobile PaymentSheet routes answer. */
public final class SheetResponses {
    private SheetResponses() {}

    @Doc("Present Stripe's PaymentSheet with these (initPaymentSheet: customerId, customerEphemeralKeySecret, and "
            + "paymentIntentClientSecret or setupIntentClientSecret); the webhooks grant what is paid for once the app "
            + "has confirmed it. Client secrets are for the caller's app only.")
    public record PaymentSheet(
            @Doc("The Stripe customer (cus_...).") String customer,

            @Doc("The ephemeral key's secret (ek_...), valid one hour.")
            String ephemeralKey,

            @OptionalField @Doc("The Stripe publishable key (pk_...), when the server is configured with one.")
            String publishableKey,

            @OptionalField @Doc("The payment intent's client secret, when something is paid now.")
            String paymentIntent,

            @OptionalField @Doc("The setup intent's client secret, when a card is saved (a trial, or a card alone).")
            String setupIntent,

            @Doc("The intent's id (pi_... or seti_...).") String intentId,

            @Doc("Stripe's status of the intent: requires_payment_method (present the sheet), requires_action (a "
                    + "3-D Secure step the sheet completes), succeeded, ...")
            String status,

            @OptionalField @Doc("The subscription the sheet pays for (incomplete until paid).")
            String subscriptionId,

            @Doc("True when this is the caller's earlier incomplete subscription, handed back rather than doubled.")
            boolean reused) {}
}
