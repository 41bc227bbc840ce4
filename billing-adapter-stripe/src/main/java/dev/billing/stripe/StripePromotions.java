package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Coupon;
import com.stripe.model.StripeCollection;
import com.stripe.param.PromotionCodeListParams;
import dev.billing.core.model.catalog.PromotionCode;
import java.util.Locale;
import java.util.Optional;

/** Promotion codes by their customer-facing code, each with its coupon's terms. */
final class StripePromotions {
    private final StripeClient client;
    private final StripeCalls calls;

    StripePromotions(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    Optional<PromotionCode> findPromotionCode(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        PromotionCodeListParams params = PromotionCodeListParams.builder()
                .setCode(code)
                .setActive(true)
                .setLimit(1L)
                .addExpand("data.promotion.coupon")
                .build();
        StripeCollection<com.stripe.model.PromotionCode> found = calls.call(
                "look up promotion code", () -> client.v1().promotionCodes().list(params));
        return calls.read(
                "look up promotion code",
                found,
                f -> f.getData().stream().findFirst().flatMap(StripePromotions::promotionCode));
    }

    /** Empty for a code whose coupon is not a plain percent or amount off (unknown duration, no coupon). */
    private static Optional<PromotionCode> promotionCode(com.stripe.model.PromotionCode pc) {
        Coupon coupon = pc.getPromotion() == null ? null : pc.getPromotion().getCouponObject();
        if (coupon == null) {
            return Optional.empty();
        }
        Optional<PromotionCode.Duration> duration = PromotionCode.Duration.parse(coupon.getDuration());
        if (duration.isEmpty()) {
            return Optional.empty();
        }
        long amountOff = coupon.getAmountOff() == null ? 0 : coupon.getAmountOff();
        boolean repeating = duration.get() == PromotionCode.Duration.REPEATING;
        return Optional.of(new PromotionCode(
                pc.getId(),
                pc.getCode(),
                amountOff > 0 ? null : coupon.getPercentOff(),
                amountOff,
                coupon.getCurrency() == null ? null : coupon.getCurrency().toLowerCase(Locale.ROOT),
                duration.get(),
                repeating && coupon.getDurationInMonths() != null
                        ? Math.toIntExact(coupon.getDurationInMonths())
                        : null,
                StripeObjects.instant(pc.getExpiresAt())));
    }
}
