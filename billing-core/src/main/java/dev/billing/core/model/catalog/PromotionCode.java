package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An active Stripe promotion code and the coupon terms it gives: {@code percentOff} (above 0, at most 100) or
 * {@code amountOff} in {@code currency} off each discounted invoice, for the coupon's {@code duration}
 * ({@code once}, {@code repeating} for {@code durationInMonths}, {@code forever}); {@code expiresAt} when the code
 * stops working, if ever.
 *
 * <p>Usage: {@code gateway.findPromotionCode("SPRING25").map(PromotionCode::percentOff)}
 */
public record PromotionCode(
        String id,
        String code,
        BigDecimal percentOff,
        long amountOff,
        String currency,
        Duration duration,
        Integer durationInMonths,
        Instant expiresAt) {
    /** What a customer may type: letters, digits, '-' and '_'. */
    public static final String CODE_PATTERN = "[A-Za-z0-9_-]{1,64}";

    public PromotionCode {
        Checks.text(id, "id");
        Checks.text(code, "code");
        Checks.nonNegative(amountOff, "amountOff");
        if ((percentOff == null) == (amountOff == 0)) {
            throw new IllegalArgumentException("a promotion code gives either percentOff or amountOff");
        }
        if (amountOff > 0) {
            Checks.currency(currency);
        }
        Objects.requireNonNull(duration, "duration");
        if ((duration == Duration.REPEATING) != (durationInMonths != null)) {
            throw new IllegalArgumentException("durationInMonths goes with a repeating duration only");
        }
    }

    /** How long a coupon keeps discounting. */
    public enum Duration {
        ONCE("once"),
        REPEATING("repeating"),
        FOREVER("forever");

        private final String stripeName;

        Duration(String stripeName) {
            this.stripeName = stripeName;
        }

        public String stripeName() {
            return stripeName;
        }

        public static Optional<Duration> parse(String value) {
            for (Duration d : values()) {
                if (d.stripeName.equals(value)) {
                    return Optional.of(d);
                }
            }
            return Optional.empty();
        }
    }
}
