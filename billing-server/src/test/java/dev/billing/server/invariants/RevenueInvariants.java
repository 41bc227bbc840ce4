package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Coupon;
import com.stripe.model.Discount;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import dev.billing.emulator.EmittedEvent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The revenue analytics the admin API shows, against a recomputation from Stripe's objects. */
final class RevenueInvariants {
    private static final MathContext EXACT = MathContext.DECIMAL128;

    private RevenueInvariants() {}

    /**
     * Revenue analytics equal a recomputation from Stripe's objects: MRR per currency by bucket (from every live
     * subscription's plan item, quantity and coupon), and one-time purchases (every paid Checkout session in payment
     * mode, and every succeeded payment intent the PaymentSheet made for an item) by count and amount.
     */
    static void analyticsMatchStripe(Run r, StripeTruth stripe) {
        Map<String, BigDecimal[]> mrr = new TreeMap<>();
        for (Subscription s : stripe.subscriptions(null)) {
            String status = s.getStatus();
            if (!status.equals("active") && !status.equals("trialing") && !status.equals("past_due")) {
                continue;
            }
            SubscriptionItem item = StripeTruth.planItem(s);
            if (item == null) {
                continue;
            }
            Price price = item.getPrice();
            BigDecimal[] sums = mrr.computeIfAbsent(price.getCurrency(), c ->
                    new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            BigDecimal monthly = monthly(price, item.getQuantity(), coupon(s, r.world));
            boolean canceling = Boolean.TRUE.equals(s.getCancelAtPeriodEnd()) || s.getCancelAt() != null;
            int bucket = status.equals("trialing") ? 1 : canceling ? 2 : 0;
            sums[bucket] = sums[bucket].add(monthly);
            if (bucket == 0 && status.equals("past_due")) {
                sums[3] = sums[3].add(monthly);
            }
        }
        JsonNode revenue = r.adminGet("/admin/analytics/revenue?fresh=true").json();
        Map<String, String> shown = new TreeMap<>();
        for (JsonNode c : revenue.path("currencies")) {
            shown.put(
                    c.path("currency").asText(),
                    c.path("mrr").asLong() + "/" + c.path("trialingMrr").asLong() + "/"
                            + c.path("cancelingMrr").asLong() + "/"
                            + c.path("pastDueMrr").asLong());
        }
        Map<String, String> expected = new TreeMap<>();
        mrr.forEach((currency, f) ->
                expected.put(currency, round(f[0]) + "/" + round(f[1]) + "/" + round(f[2]) + "/" + round(f[3])));
        shown.entrySet().removeIf(e -> e.getValue().equals("0/0/0/0") && !expected.containsKey(e.getKey()));
        if (!shown.equals(expected)) {
            throw new AssertionError("MRR (mrr/trialing/canceling/past due) per currency is " + shown
                    + " but Stripe's subscriptions make " + expected);
        }
        // The figures hold the last twelve months of billing's clock, by the moment each purchase completed: a
        // yearly renewal's clock move leaves older purchases out.
        Instant since = YearMonth.from(r.world.emulator.clock().instant().atZone(ZoneOffset.UTC))
                .minusMonths(11)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        Map<String, Instant> completed = new HashMap<>();
        for (EmittedEvent e : r.world.emulator.events()) {
            if (e.type().equals("checkout.session.completed") || e.type().equals("payment_intent.succeeded")) {
                completed.merge(e.objectId(), e.created(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<String, long[]> purchases = new TreeMap<>();
        for (Session session : stripe.sessions()) {
            if ("payment".equals(session.getMode())
                    && "paid".equals(session.getPaymentStatus())
                    && "complete".equals(session.getStatus())
                    && !completed.getOrDefault(session.getId(), Instant.MAX).isBefore(since)) {
                long[] t = purchases.computeIfAbsent(session.getCurrency(), c -> new long[2]);
                t[0]++;
                t[1] += session.getAmountTotal();
            }
        }
        for (PaymentIntent sheet : stripe.sheetPurchases()) {
            if (completed.getOrDefault(sheet.getId(), Instant.MAX).isBefore(since)) {
                continue;
            }
            long[] t = purchases.computeIfAbsent(sheet.getCurrency(), c -> new long[2]);
            t[0]++;
            t[1] += sheet.getAmountReceived();
        }
        Map<String, long[]> counted = new TreeMap<>();
        for (JsonNode m : revenue.path("purchases")) {
            long[] t = counted.computeIfAbsent(m.path("currency").asText(), c -> new long[2]);
            t[0] += m.path("count").asLong();
            t[1] += m.path("amountTotal").asLong();
        }
        if (!render(purchases).equals(render(counted))) {
            throw new AssertionError("revenue analytics count purchases " + render(counted)
                    + " but Stripe has paid one-time sessions " + render(purchases));
        }
    }

    /** The subscription's coupon, read from Stripe when the discount names it by id only. */
    private static Coupon coupon(Subscription s, World world) {
        if (s.getDiscountObjects() == null || s.getDiscountObjects().isEmpty()) {
            return null;
        }
        Discount d = s.getDiscountObjects().get(0);
        if (d == null || d.getSource() == null || d.getSource().getCoupon() == null) {
            return null;
        }
        if (d.getSource().getCouponObject() != null) {
            return d.getSource().getCouponObject();
        }
        try {
            return world.stripe.coupons().retrieve(d.getSource().getCoupon());
        } catch (com.stripe.exception.StripeException e) {
            throw new AssertionError("the emulator's coupon " + d.getSource().getCoupon() + " could not be read", e);
        }
    }

    /** A month's worth of a price x quantity, less the coupon, as docs/HTTP_API.md defines MRR. */
    static BigDecimal monthly(Price price, long quantity, Coupon coupon) {
        BigDecimal perInterval = BigDecimal.valueOf(price.getUnitAmount()).multiply(BigDecimal.valueOf(quantity));
        if (coupon != null && coupon.getPercentOff() != null) {
            perInterval = perInterval
                    .multiply(BigDecimal.valueOf(100).subtract(coupon.getPercentOff()))
                    .divide(BigDecimal.valueOf(100), EXACT);
        }
        if (coupon != null
                && coupon.getAmountOff() != null
                && price.getCurrency().equals(coupon.getCurrency())) {
            perInterval = perInterval
                    .subtract(BigDecimal.valueOf(coupon.getAmountOff()))
                    .max(BigDecimal.ZERO);
        }
        BigDecimal count = BigDecimal.valueOf(price.getRecurring().getIntervalCount());
        return switch (price.getRecurring().getInterval()) {
            case "month" -> perInterval.divide(count, EXACT);
            case "year" -> perInterval.divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
            case "week" ->
                perInterval.multiply(BigDecimal.valueOf(52)).divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
            default ->
                perInterval.multiply(BigDecimal.valueOf(365)).divide(count.multiply(BigDecimal.valueOf(12)), EXACT);
        };
    }

    private static long round(BigDecimal value) {
        return value.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static String render(Map<String, long[]> tally) {
        StringBuilder out = new StringBuilder();
        tally.forEach((currency, t) -> out.append(currency)
                .append(": ")
                .append(t[0])
                .append(" for ")
                .append(t[1])
                .append("; "));
        return out.toString();
    }
}
