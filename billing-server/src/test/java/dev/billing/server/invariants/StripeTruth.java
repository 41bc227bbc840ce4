package dev.billing.server.invariants;

import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
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

    /** Every customer Stripe holds (deleted ones are not listed), with its metadata. */
    List<Customer> customers() {
        List<Customer> found = new ArrayList<>();
        try {
            world.stripe
                    .v1()
                    .customers()
                    .list(CustomerListParams.builder().setLimit(100L).build())
                    .autoPagingIterable()
                    .forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("listing Stripe's customers failed", e);
        }
        return found;
    }

    /** Every subscription of the customer, ended ones too; all of them when {@code customer} is null. */
    List<Subscription> subscriptions(String customer) {
        List<Subscription> found = new ArrayList<>();
        try {
            // Discounts expanded: listed plain they are ids, and revenue is counted less each one's coupon.
            SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                    .setStatus(SubscriptionListParams.Status.ALL)
                    .addExpand("data.discounts")
                    .setLimit(100L);
            if (customer != null) {
                params.setCustomer(customer);
            }
            world.stripe
                    .subscriptions()
                    .list(params.build())
                    .autoPagingIterable()
                    .forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("the emulator's subscriptions could not be listed", e);
        }
        return found;
    }

    List<Charge> charges(String customer) {
        List<Charge> found = new ArrayList<>();
        try {
            world.stripe
                    .charges()
                    .list(ChargeListParams.builder()
                            .setCustomer(customer)
                            .setLimit(100L)
                            .build())
                    .autoPagingIterable()
                    .forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("the emulator's charges could not be listed", e);
        }
        return found;
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
        List<Refund> found = new ArrayList<>();
        try {
            world.stripe
                    .refunds()
                    .list(RefundListParams.builder().setLimit(100L).build())
                    .autoPagingIterable()
                    .forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("the emulator's refunds could not be listed", e);
        }
        return found;
    }

    /** The payment intents the mobile PaymentSheet made for one-time items that succeeded (its purchases). */
    List<PaymentIntent> sheetPurchases() {
        List<PaymentIntent> found = new ArrayList<>();
        try {
            world.stripe
                    .paymentIntents()
                    .list(PaymentIntentListParams.builder().setLimit(100L).build())
                    .autoPagingIterable()
                    .forEach(pi -> {
                        if ("succeeded".equals(pi.getStatus())
                                && "sheet".equals(pi.getMetadata().get("purchase_source"))) {
                            found.add(pi);
                        }
                    });
        } catch (StripeException e) {
            throw new AssertionError("the emulator's payment intents could not be listed", e);
        }
        return found;
    }

    /** Every Checkout session, of every mode and status. */
    List<Session> sessions() {
        List<Session> found = new ArrayList<>();
        try {
            world.stripe
                    .checkout()
                    .sessions()
                    .list(SessionListParams.builder().setLimit(100L).build())
                    .autoPagingIterable()
                    .forEach(found::add);
        } catch (StripeException e) {
            throw new AssertionError("the emulator's Checkout sessions could not be listed", e);
        }
        return found;
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
