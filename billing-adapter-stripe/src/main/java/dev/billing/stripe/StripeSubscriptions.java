package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.StripeCollection;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.SubscriptionCancelParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionRetrieveParams;
import com.stripe.param.SubscriptionUpdateParams;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads subscriptions and changes them: cancel, resume, move to another price or plan. A subscription's plan is its
 * first licensed item; its metered items (usage billed in arrears) follow the plan.
 */
final class StripeSubscriptions {
    /**
     * Every subscription read or written carries its discounts' coupons, so the pricing of the answer (which is
     * upserted as the newest version) keeps the discount; without the expansion a discount is only an id.
     */
    private static final String COUPONS = "discounts.source.coupon";

    private final StripeClient client;
    private final StripeCalls calls;
    private final RefetchStamps stamps;

    /** @param stamps the gateway's, so that every object it reads is versioned in one sequence */
    StripeSubscriptions(StripeClient client, StripeCalls calls, RefetchStamps stamps) {
        this.client = client;
        this.calls = calls;
        this.stamps = stamps;
    }

    /** A read, versioned when it is asked for (see {@link RefetchStamps}). */
    Optional<Subscription> getSubscription(String subscriptionId) {
        SourceVersion asked = stamps.next();
        return calls.find(
                        "retrieve subscription",
                        subscriptionId,
                        () -> client.v1()
                                .subscriptions()
                                .retrieve(
                                        subscriptionId,
                                        SubscriptionRetrieveParams.builder()
                                                .addExpand(COUPONS)
                                                .build()))
                .map(s -> calls.read("retrieve subscription", s, r -> StripeObjects.subscription(r, asked)));
    }

    /**
     * Whether Stripe bills the subscription by invoices sent to the customer: such a subscription is active from its
     * creation, paid or not (Stripe's {@code payment_behavior} applies only to those charged automatically). False
     * for one Stripe does not know.
     */
    boolean billedByInvoice(String subscriptionId) {
        return calls.find(
                        "retrieve subscription",
                        subscriptionId,
                        () -> client.v1().subscriptions().retrieve(subscriptionId))
                .map(s -> calls.read("retrieve subscription", s, r -> "send_invoice".equals(r.getCollectionMethod())))
                .orElse(false);
    }

    List<Subscription> listSubscriptions(CustomerId customerId) {
        List<Subscription> all = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                    .setCustomer(customerId.value())
                    .setStatus(SubscriptionListParams.Status.ALL)
                    .setLimit(StripeCalls.MAX_PAGE)
                    .addExpand("data." + COUPONS);
            if (after != null) {
                params.setStartingAfter(after);
            }
            SourceVersion asked = stamps.next();
            StripeCollection<com.stripe.model.Subscription> page = calls.call(
                    "list subscriptions", () -> client.v1().subscriptions().list(params.build()));
            Page<Subscription> mapped = calls.page(
                    "list subscriptions",
                    page,
                    s -> StripeObjects.subscription(s, asked),
                    com.stripe.model.Subscription::getId);
            all.addAll(mapped.items());
            if (!mapped.hasMore()) {
                return all;
            }
            after = mapped.nextCursor();
        }
        throw new GatewayOutcomeUnknownException("Stripe kept paging the subscriptions of " + customerId);
    }

    Subscription cancelSubscription(String subscriptionId, boolean atPeriodEnd, String idempotencyKey) {
        StripeCalls.requireId(subscriptionId, "subscriptionId");
        if (atPeriodEnd) {
            SubscriptionUpdateParams params = SubscriptionUpdateParams.builder()
                    .setCancelAtPeriodEnd(true)
                    .addExpand(COUPONS)
                    .build();
            com.stripe.model.Subscription s = calls.call(
                    "cancel subscription at period end",
                    () -> client.v1()
                            .subscriptions()
                            .update(subscriptionId, params, StripeCalls.keyed(idempotencyKey)));
            return calls.read("cancel subscription at period end", s, this::subscription);
        }
        com.stripe.model.Subscription s;
        try {
            s = calls.call(
                    "cancel subscription",
                    () -> client.v1()
                            .subscriptions()
                            .cancel(
                                    subscriptionId,
                                    SubscriptionCancelParams.builder()
                                            .addExpand(COUPONS)
                                            .build(),
                                    StripeCalls.keyed(idempotencyKey)));
        } catch (GatewayRejectedException refused) {
            // Stripe refuses to cancel a canceled subscription (400), also when the cancellation refused is a retry
            // of this one, whose answer was lost: what the caller asked for is done.
            return getSubscription(subscriptionId)
                    .filter(current -> current.status() == SubscriptionStatus.CANCELED)
                    .orElseThrow(() -> refused);
        }
        return calls.read("cancel subscription", s, this::subscription);
    }

    Subscription resumeSubscription(String subscriptionId, String idempotencyKey) {
        StripeCalls.requireId(subscriptionId, "subscriptionId");
        SubscriptionUpdateParams params = SubscriptionUpdateParams.builder()
                .setCancelAtPeriodEnd(false)
                .addExpand(COUPONS)
                .build();
        com.stripe.model.Subscription s = calls.call(
                "resume subscription",
                () -> client.v1().subscriptions().update(subscriptionId, params, StripeCalls.keyed(idempotencyKey)));
        return calls.read("resume subscription", s, this::subscription);
    }

    /** Replaces the subscription's discounts with the promotion code's coupon; nothing is prorated. */
    Subscription applyPromotionCode(String subscriptionId, String promotionCodeId, String idempotencyKey) {
        StripeCalls.requireId(subscriptionId, "subscriptionId");
        StripeCalls.requireId(promotionCodeId, "promotionCodeId");
        SubscriptionUpdateParams params = SubscriptionUpdateParams.builder()
                .addDiscount(SubscriptionUpdateParams.Discount.builder()
                        .setPromotionCode(promotionCodeId)
                        .build())
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.NONE)
                .addExpand(COUPONS)
                .build();
        com.stripe.model.Subscription s = calls.call(
                "apply promotion code",
                () -> client.v1().subscriptions().update(subscriptionId, params, StripeCalls.keyed(idempotencyKey)));
        return calls.read("apply promotion code", s, this::subscription);
    }

    /** Moves the first licensed item to the new price; metered items stay. */
    Subscription changeSubscriptionPrice(
            String subscriptionId, String newPriceId, ProrationBehavior proration, String idempotencyKey) {
        return updateFirstItem(
                subscriptionId,
                "change subscription price",
                "to move to " + newPriceId,
                item -> item.setPrice(newPriceId),
                proration,
                idempotencyKey);
    }

    /** Sets the first licensed item's quantity (a per-seat plan's seats). */
    Subscription changeSubscriptionQuantity(
            String subscriptionId, long quantity, ProrationBehavior proration, String idempotencyKey) {
        return updateFirstItem(
                subscriptionId,
                "change subscription quantity",
                "to set " + quantity + " seats on",
                item -> item.setQuantity(quantity),
                proration,
                idempotencyKey);
    }

    /**
     * One update for the whole plan: the licensed item to the plan's price; each metered item whose price the plan
     * keeps stays, the others are swapped in place to the plan's missing metered prices, and what is left over is
     * removed or added (without a quantity, which Stripe refuses on metered prices). The items sent depend on the
     * subscription as it is, so a retry with the same key after the change went through would send other items
     * (an idempotency conflict): a subscription already on the plan is returned as it is instead.
     */
    Subscription changeSubscriptionPlan(
            String subscriptionId, Plan plan, ProrationBehavior proration, String idempotencyKey) {
        StripeCalls.requireId(subscriptionId, "subscriptionId");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(proration, "proration");
        String operation = "change subscription plan";
        com.stripe.model.Subscription current = calls.call(
                "retrieve subscription",
                () -> client.v1()
                        .subscriptions()
                        .retrieve(
                                subscriptionId,
                                SubscriptionRetrieveParams.builder()
                                        .addExpand(COUPONS)
                                        .build()));
        List<SubscriptionItem> items = calls.read("retrieve subscription", current, StripeSubscriptions::items);
        SubscriptionItem licensed =
                items.stream().filter(i -> !metered(i)).findFirst().orElse(null);
        if (licensed == null) {
            throw new GatewayRejectedException(
                    "Subscription " + subscriptionId + " has no licensed item to move to " + plan.priceId() + ".",
                    400,
                    null,
                    "items");
        }
        SubscriptionUpdateParams.Builder params = SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder()
                        .setId(licensed.getId())
                        .setPrice(plan.priceId())
                        .build())
                .setProrationBehavior(proration(proration))
                .addExpand(COUPONS);
        List<String> missing = new ArrayList<>(plan.meteredPriceIds());
        List<SubscriptionItem> leaving = new ArrayList<>();
        for (SubscriptionItem item : items) {
            if (metered(item) && !missing.remove(item.getPrice().getId())) {
                leaving.add(item);
            }
        }
        if (missing.isEmpty()
                && leaving.isEmpty()
                && licensed.getPrice() != null
                && plan.priceId().equals(licensed.getPrice().getId())) {
            return calls.read("retrieve subscription", current, this::subscription);
        }
        for (int i = 0; i < Math.max(missing.size(), leaving.size()); i++) {
            SubscriptionUpdateParams.Item.Builder item = SubscriptionUpdateParams.Item.builder();
            if (i < leaving.size()) {
                item.setId(leaving.get(i).getId());
                if (i >= missing.size()) {
                    item.setDeleted(true);
                }
            }
            if (i < missing.size()) {
                item.setPrice(missing.get(i));
            }
            params.addItem(item.build());
        }
        com.stripe.model.Subscription s = calls.call(
                operation,
                () -> client.v1()
                        .subscriptions()
                        .update(subscriptionId, params.build(), StripeCalls.keyed(idempotencyKey)));
        return calls.read(operation, s, this::subscription);
    }

    private Subscription updateFirstItem(
            String subscriptionId,
            String operation,
            String purpose,
            UnaryOperator<SubscriptionUpdateParams.Item.Builder> change,
            ProrationBehavior proration,
            String idempotencyKey) {
        StripeCalls.requireId(subscriptionId, "subscriptionId");
        Objects.requireNonNull(proration, "proration");
        com.stripe.model.Subscription current = calls.call(
                "retrieve subscription", () -> client.v1().subscriptions().retrieve(subscriptionId));
        String itemId = calls.read("retrieve subscription", current, StripeSubscriptions::firstItemId);
        if (itemId == null) {
            throw new GatewayRejectedException(
                    "Subscription " + subscriptionId + " has no item " + purpose + ".", 400, null, "items");
        }
        SubscriptionUpdateParams params = SubscriptionUpdateParams.builder()
                .addItem(change.apply(SubscriptionUpdateParams.Item.builder().setId(itemId))
                        .build())
                .setProrationBehavior(proration(proration))
                .addExpand(COUPONS)
                .build();
        com.stripe.model.Subscription s = calls.call(
                operation,
                () -> client.v1().subscriptions().update(subscriptionId, params, StripeCalls.keyed(idempotencyKey)));
        return calls.read(operation, s, this::subscription);
    }

    private static SubscriptionUpdateParams.ProrationBehavior proration(ProrationBehavior proration) {
        return switch (proration) {
            case CREATE_PRORATIONS -> SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS;
            case ALWAYS_INVOICE -> SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE;
            case NONE -> SubscriptionUpdateParams.ProrationBehavior.NONE;
        };
    }

    /** The answer to our own change, versioned when it came back (see {@link RefetchStamps}). */
    private Subscription subscription(com.stripe.model.Subscription s) {
        return StripeObjects.subscription(s, stamps.next());
    }

    private static String firstItemId(com.stripe.model.Subscription s) {
        SubscriptionItem item = StripeObjects.planItem(items(s));
        return item == null ? null : item.getId();
    }

    private static List<SubscriptionItem> items(com.stripe.model.Subscription s) {
        List<SubscriptionItem> items =
                s.getItems() == null ? null : s.getItems().getData();
        return items == null ? List.of() : items;
    }

    private static boolean metered(SubscriptionItem item) {
        return StripeObjects.metered(item.getPrice());
    }
}
