package dev.billing.server.invariants;

import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import dev.billing.testkit.http.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What people change at Stripe itself rather than through billing's API: the customer in Stripe's billing portal
 * (opened through {@code POST /stripe/portal}, its buttons pressed as a browser would), or an operator in Stripe's
 * Dashboard (the API calls the Dashboard makes, through stripe-java; a customer deleted too). Billing learns of each
 * only from Stripe's
 * webhooks, so the invariants after such a step hold the projection, entitlements, money, cards and analytics to
 * changes billing never made.
 */
final class StripeSide {
    /** The prices an operator moves a subscription to; the last (per seat) only the organization's. */
    static final List<String> PRICES = List.of(
            "price_basic_monthly",
            "price_pro_yearly",
            "price_enterprise_monthly",
            "price_pro_monthly",
            "price_team_monthly");

    /** The coupons an operator gives a subscription: 10% off forever, 20% off once. */
    static final List<String> COUPONS = List.of("FOREVER10", "LAUNCH20");

    private static final Pattern PORTAL_FORM =
            Pattern.compile("action=\"(/portal/[^\"]+/subscriptions/[^\"]+/(cancel|renew|cancel_now))\"");

    private StripeSide() {}

    /**
     * In the portal the customer presses "Cancel at period end" (or "Renew" where a cancellation is scheduled), or
     * "Cancel now", on the first subscription the portal shows with that button. Returns what was pressed, or null.
     */
    static String portal(Run r, Party p, boolean now) {
        Http.Response opened = r.post(p, "/stripe/portal", "{}");
        if (opened.status() != 200) {
            return null; // 404 customer_not_found: nothing to manage yet
        }
        URI page = URI.create(opened.json().path("url").asText());
        // Stripe's pages, not billing's API: no OpenAPI document to hold them to; redirects are not followed.
        Http browser = new Http(page.getScheme() + "://" + page.getRawAuthority()).unchecked();
        String html = browser.send(browser.request(page.getRawPath()).GET()).body();
        Matcher forms = PORTAL_FORM.matcher(html);
        while (forms.find()) {
            String button = forms.group(2);
            if (now == button.equals("cancel_now")) {
                URI action = page.resolve(forms.group(1));
                Http.Response pressed =
                        browser.send(browser.request(action.getRawPath()).POST(HttpRequest.BodyPublishers.noBody()));
                if (pressed.status() != 303) {
                    throw new AssertionError(
                            "the portal's " + button + " answered " + pressed.status() + ": " + pressed.body());
                }
                return button + " " + action.getPath();
            }
        }
        return null;
    }

    /**
     * An operator moves the party's first live subscription to another price, with prorations or invoiced at once.
     */
    static void switchPrice(Run r, Party p, int choice, boolean invoiceNow) {
        Subscription live = firstLive(r, p);
        SubscriptionItem item = live == null ? null : StripeTruth.planItem(live);
        if (item == null) {
            return;
        }
        String price = PRICES.get(Math.floorMod(choice, p.org ? PRICES.size() : PRICES.size() - 1));
        // Per seat, invoiced at once: the member count; prorated: one seat, left for auto-seats to correct.
        long quantity = price.equals("price_team_monthly") && invoiceNow ? Math.max(1, r.expectedMembers()) : 1;
        update(
                r,
                live,
                SubscriptionUpdateParams.builder()
                        .addItem(SubscriptionUpdateParams.Item.builder()
                                .setId(item.getId())
                                .setPrice(price)
                                .setQuantity(quantity)
                                .build())
                        .setProrationBehavior(
                                invoiceNow
                                        ? SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE
                                        : SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS)
                        .build(),
                "moving it to " + price);
    }

    /** An operator gives the party's first live subscription a coupon, replacing any discount it had. */
    static void coupon(Run r, Party p, int choice) {
        Subscription live = firstLive(r, p);
        if (live == null) {
            return;
        }
        String coupon = COUPONS.get(Math.floorMod(choice, COUPONS.size()));
        update(
                r,
                live,
                SubscriptionUpdateParams.builder()
                        .addDiscount(SubscriptionUpdateParams.Discount.builder()
                                .setCoupon(coupon)
                                .build())
                        .build(),
                "coupon " + coupon);
    }

    /**
     * An operator subscribes the party's customer in the Dashboard to a price, billed by invoices Stripe sends it with
     * 30 days to pay ({@code collection_method=send_invoice}), as a team billing businesses does: it is active at once,
     * its first invoice open. Only for a party with no live subscription: a second one would be the duplicate billing
     * cancels or flags, which the Dashboard's operator made on purpose here.
     */
    static void subscribeByInvoice(Run r, Party p, int choice) {
        if (firstLive(r, p) != null) {
            return;
        }
        String price = PRICES.get(Math.floorMod(choice, p.org ? PRICES.size() : PRICES.size() - 1));
        long quantity = price.equals("price_team_monthly") ? Math.max(1, r.expectedMembers()) : 1;
        try {
            r.world
                    .stripe
                    .subscriptions()
                    .create(SubscriptionCreateParams.builder()
                            .setCustomer(p.customerId)
                            .addItem(SubscriptionCreateParams.Item.builder()
                                    .setPrice(price)
                                    .setQuantity(quantity)
                                    .build())
                            .setCollectionMethod(SubscriptionCreateParams.CollectionMethod.SEND_INVOICE)
                            .setDaysUntilDue(30L)
                            .build());
        } catch (StripeException e) {
            throw new AssertionError("the Dashboard could not subscribe " + p + " to " + price + " by invoice", e);
        }
    }

    /**
     * The Dashboard's change to the subscription. Stripe may refuse it (an incomplete subscription): the Dashboard
     * would show the error, and nothing changed.
     */
    private static void update(Run r, Subscription live, SubscriptionUpdateParams params, String what) {
        try {
            r.world.stripe.subscriptions().update(live.getId(), params);
        } catch (StripeException refused) {
            r.log.add("Stripe refused " + what + " on " + live.getId() + ": " + refused.getMessage());
        }
    }

    private static Subscription firstLive(Run r, Party p) {
        return new StripeTruth(r.world)
                .subscriptions(p.customerId).stream()
                        .filter(StripeTruth::live)
                        .min(Comparator.comparing(Subscription::getCreated).thenComparing(Subscription::getId))
                        .orElse(null);
    }

    /** An operator refunds one of the party's payments in full. */
    static void refund(Run r, Party p, int payment) {
        List<Charge> charges = AccountSteps.Refund.refundable(r, p);
        if (charges.isEmpty()) {
            return;
        }
        Charge charge = charges.get(Math.floorMod(payment, charges.size()));
        try {
            r.world
                    .stripe
                    .refunds()
                    .create(RefundCreateParams.builder()
                            .setPaymentIntent(charge.getPaymentIntent())
                            .build());
        } catch (StripeException e) {
            throw new AssertionError("the Dashboard's refund of " + charge.getId() + " failed", e);
        }
    }

    /**
     * An operator deletes the party's customer. Stripe ends its subscriptions and sends {@code customer.deleted}:
     * billing retires the link, and the party's next checkout makes a new customer. The party's usage check starts
     * again with that customer (what the deleted one's meter had not taken yet is Stripe's to refuse), and so does
     * what the card check knew.
     */
    static void deleteCustomer(Run r, Party p) {
        try {
            r.world.stripe.customers().delete(p.customerId);
        } catch (StripeException e) {
            throw new AssertionError("the Dashboard could not delete " + p + "'s customer " + p.customerId, e);
        }
        p.retiredCustomers.add(p.customerId);
        p.customerId = null;
        p.meteredSurely = 0;
        p.meteredPerhaps = 0;
        p.cardsKnown = false;
        p.payingCard = null;
        p.liveSubscriptions = 0;
    }

    /** An operator makes one of the customer's saved cards its default for invoices. */
    static void defaultCard(Run r, Party p, int card) {
        List<String> cards = new ArrayList<>();
        try {
            r.world
                    .stripe
                    .paymentMethods()
                    .list(PaymentMethodListParams.builder()
                            .setCustomer(p.customerId)
                            .setType(PaymentMethodListParams.Type.CARD)
                            .setLimit(100L)
                            .build())
                    .autoPagingIterable()
                    .forEach(pm -> cards.add(pm.getId()));
            if (cards.isEmpty()) {
                return;
            }
            cards.sort(Comparator.naturalOrder());
            r.world
                    .stripe
                    .customers()
                    .update(
                            p.customerId,
                            CustomerUpdateParams.builder()
                                    .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                                            .setDefaultPaymentMethod(cards.get(Math.floorMod(card, cards.size())))
                                            .build())
                                    .build());
        } catch (StripeException e) {
            throw new AssertionError("the Dashboard could not set " + p + "'s default card", e);
        }
    }
}
