package dev.billing.smtp;

import dev.billing.core.model.Money;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * Formats a Stripe amount (an integer in the currency's minor unit) for people: {@code 2900 usd} is
 * {@code $29.00}, {@code 1500 jpy} is {@code ¥1,500}, {@code 12345 bhd} is {@code BHD 12.345}.
 *
 * <p>The minor unit follows Stripe, not {@link Currency#getDefaultFractionDigits()}: the two disagree (Stripe keeps
 * ISK as a two-decimal currency in its API whose amounts must be whole krónur). Digits shown: the currency's usual
 * ones when no precision is lost ({@code 10000 isk} is {@code ISK 100}), otherwise every digit Stripe's unit has.
 * Symbols are the English (US) ones where one exists ({@code $ € £ ¥}), otherwise the upper-case ISO code.
 */
final class MoneyFormat {
    /** Stripe's zero-decimal currencies (docs.stripe.com/currencies#zero-decimal). */
    private static final Set<String> ZERO_DECIMAL = Set.of(
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof",
            "xpf");
    /** Stripe's three-decimal currencies (docs.stripe.com/currencies#three-decimal). */
    private static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");

    private MoneyFormat() {}

    /** How many decimal digits one major unit has in Stripe's amounts for this (lower-case) currency. */
    static int stripeExponent(String currency) {
        String code = currency.toLowerCase(Locale.ROOT);
        if (ZERO_DECIMAL.contains(code)) {
            return 0;
        }
        return THREE_DECIMAL.contains(code) ? 3 : 2;
    }

    static String format(Money money) {
        int exponent = stripeExponent(money.currency());
        BigDecimal value = BigDecimal.valueOf(money.amount(), exponent);
        String code = money.currency().toUpperCase(Locale.ROOT);
        Currency currency = knownCurrency(code);
        int digits = exponent;
        if (currency != null
                && currency.getDefaultFractionDigits() >= 0
                && currency.getDefaultFractionDigits() < exponent
                && value.stripTrailingZeros().scale() <= currency.getDefaultFractionDigits()) {
            digits = currency.getDefaultFractionDigits();
        }
        DecimalFormat number = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.US));
        number.setMinimumFractionDigits(digits);
        number.setMaximumFractionDigits(digits);
        String magnitude = number.format(value.abs());
        String sign = value.signum() < 0 ? "-" : "";
        String symbol = currency == null ? code : currency.getSymbol(Locale.US);
        if (symbol.equals(code)) {
            return sign + code + " " + magnitude;
        }
        return sign + symbol + magnitude;
    }

    private static Currency knownCurrency(String code) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
