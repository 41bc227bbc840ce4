package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyFormatTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "2900      | usd | $29.00",
                "5         | usd | $0.05",
                "0         | usd | $0.00",
                "123456789 | usd | $1,234,567.89",
                "1999      | eur | €19.99",
                "100000    | eur | €1,000.00",
                "1250      | gbp | £12.50",
            })
    void twoDecimalCurrenciesAreCentsWithTheirSymbol(long amount, String currency, String expected) {
        assertThat(MoneyFormat.format(Money.of(amount, currency))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1500    | jpy | ¥1,500",
                "1       | jpy | ¥1",
                "2900    | jpy | ¥2,900",
                "50000   | krw | ₩50,000",
                "7000    | ugx | UGX 7,000",
                "1500000 | vnd | ₫1,500,000",
            })
    void zeroDecimalCurrenciesAreWholeUnitsNeverDividedByAHundred(long amount, String currency, String expected) {
        assertThat(MoneyFormat.format(Money.of(amount, currency))).isEqualTo(expected);
    }

    @Test
    void threeDecimalCurrenciesShowThreeDigits() {
        assertThat(MoneyFormat.format(Money.of(12345, "bhd"))).isEqualTo("BHD 12.345");
        assertThat(MoneyFormat.format(Money.of(5120, "kwd"))).isEqualTo("KWD 5.120");
    }

    @Test
    void iskIsTwoDecimalInStripeButShownInWholeKronurWhenNothingIsLost() {
        assertThat(MoneyFormat.format(Money.of(10000, "isk"))).isEqualTo("ISK 100");
        assertThat(MoneyFormat.format(Money.of(10050, "isk")))
                .as("an old fractional amount is not rounded away")
                .isEqualTo("ISK 100.50");
    }

    @Test
    void currenciesWithoutAnEnglishSymbolUseTheirCode() {
        assertThat(MoneyFormat.format(Money.of(1250, "chf"))).isEqualTo("CHF 12.50");
    }

    @Test
    void anUnknownCodeKeepsStripesTwoDecimalsAndShowsTheCode() {
        assertThat(MoneyFormat.format(Money.of(1234, "zzz"))).isEqualTo("ZZZ 12.34");
    }

    @Test
    void negativeAmountsPutTheSignFirst() {
        assertThat(MoneyFormat.format(Money.of(-500, "usd"))).isEqualTo("-$5.00");
        assertThat(MoneyFormat.format(Money.of(-1500, "jpy"))).isEqualTo("-¥1,500");
    }

    @Test
    void stripeExponentsFollowStripeNotTheJdk() {
        assertThat(MoneyFormat.stripeExponent("usd")).isEqualTo(2);
        assertThat(MoneyFormat.stripeExponent("jpy")).isZero();
        assertThat(MoneyFormat.stripeExponent("bhd")).isEqualTo(3);
        assertThat(MoneyFormat.stripeExponent("isk")).as("the JDK says 0").isEqualTo(2);
    }
}
