package dev.billing.server.invariants;

import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.HasId;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import com.stripe.param.ChargeListParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.PaymentIntentListParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.checkout.SessionListParams;
import java.util.ArrayList;
import java.util.List;

/**
 * What Stripe (the emulator, read through stripe-java as any client would) holds: the truth the invariants hold the
 * server's answers against.
 */
final class StripeTruth {
    private final World world;

    StripeTruth(World world) {
        this.world = world;
    }

    /** One of Stripe's list calls, a page of it. */
    private interface Listing<T extends HasId> {
        StripeCollection<T> first() throws StripeException;
    }

    /** Every item of a listing, page after page. */
    private static <T extends HasId> List<T> all(String what, Listing<T> listing) {
        List<T> found = new ArrayList<>();
        try {
            listing.first().autoPagingIterable().forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("the emulator's " + what + " could not be listed", e);
        }
        return found;
    }

    /** Every customer Stripe holds (deleted ones are not listed), with its metadata. */
    List<Customer> customers() {
        return all(
                "customers",
                () -> world.stripe
                        .v1()
                        .customers()
                        .list(CustomerListParams.builder().setLimit(100L).build()));
    }

    /** Every subscription of the customer, ended ones too; all of them when {@code customer} is null. */
    List<Subscription> subscriptions(String customer) {
        // Discounts expanded: listed plain they are ids, and revenue is counted less each one's coupon.
        SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                .setStatus(SubscriptionListParams.Status.ALL)
                .addExpand("data.discounts")
                .setLimit(100L);
        if (customer != null) {
            params.setCustomer(customer);
        }
        return all("subscriptions", () -> world.stripe.subscriptions().list(params.build()));
    }

    List<Charge> charges(String customer) {
        return all(
                "charges",
                () -> world.stripe
                        .charges()
                        .list(ChargeListParams.builder()
                                .setCustomer(customer)
                                .setLimit(100L)
                                .build()));
    }

    Charge charge(String paymentIntent) {
        try {
            for (Charge c : world.stripe
                    .charges()
                    .list(ChargeListParams.builder()
                            .setPaymentIntent(paymentIntent)
                            .build())
                    .autoPagingIterable()) {
                return c;
            }
            return null;
        } catch (StripeException e) {
            throw new AssertionError("the emulator's charges could not be listed", e);
        }
    }

    /** Every refund Stripe made. */
    List<Refund> refunds() {
        return all(
                "refunds",
                () -> world.stripe
                        .refunds()
                        .list(RefundListParams.builder().setLimit(100L).build()));
    }

    /** The payment intents the mobile PaymentSheet made for one-time items that succeeded (its purchases). */
    List<PaymentIntent> sheetPurchases() {
        return all(
                        "payment intents",
                        () -> world.stripe
                                .paymentIntents()
                                .list(PaymentIntentListParams.builder()
                                        .setLimit(100L)
                                        .build()))
                .stream()
                .filter(pi -> "succeeded".equals(pi.getStatus())
                        && "sheet".equals(pi.getMetadata().get("purchase_source")))
                .toList();
    }

    /** Every Checkout session, of every mode and status. */
    List<Session> sessions() {
        return all(
                "Checkout sessions",
                () -> world.stripe
                        .checkout()
                        .sessions()
                        .list(SessionListParams.builder().setLimit(100L).build()));
    }

    /** Whether Stripe bills the subscription: it counts against the one-subscription rule. */
    static boolean live(Subscription s) {
        return switch (s.getStatus()) {
            case "active", "trialing", "past_due", "unpaid", "paused" -> true;
            default -> false;
        };
    }

    /** The plan's item: the first one with a licensed (not metered) price, as the projection reads it. */
    static SubscriptionItem planItem(Subscription s) {
        for (SubscriptionItem item : s.getItems().getData()) {
            if (item.getPrice().getRecurring() == null
                    || !"metered".equals(item.getPrice().getRecurring().getUsageType())) {
                return item;
            }
        }
        return null;
    }
}
