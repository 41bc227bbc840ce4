package dev.billing.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.Card;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelValidationTest {

    @Test
    void anAccountKnowsItsPseudonymsAndNoOneElses() {
        UserId user = UserId.of("user_2abc");
        UserId first = user.pseudonym();
        assertThat(first.value()).matches("erased_[0-9a-f]{32}");
        assertThat(user.pseudonym(2).value()).isEqualTo(first.value() + "_2");
        assertThat(user.pseudonym(12).value()).isEqualTo(first.value() + "_12");
        assertThatThrownBy(() -> user.pseudonym(1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(user.hasPseudonym(first)).isTrue();
        assertThat(user.hasPseudonym(user.pseudonym(3))).isTrue();
        assertThat(user.hasPseudonym(user)).isFalse();
        assertThat(user.hasPseudonym(UserId.of("user_other").pseudonym())).isFalse();
        assertThat(user.hasPseudonym(UserId.of(first.value() + "_"))).isFalse();
        assertThat(user.hasPseudonym(UserId.of(first.value() + "_x2"))).isFalse();
        assertThat(user.hasPseudonym(UserId.of(first.value() + "0"))).isFalse();
        // a pseudonym is its own
        assertThat(first.hasPseudonym(first)).isTrue();
    }

    @Test
    void aRetiredLinkNamesItsAccount() {
        UserId org = UserId.of("org_2abc");
        UserId held = org.retiredLink(2);
        assertThat(held.value()).isEqualTo("org_2abc~deleted_2");
        assertThat(held.isRetiredLink()).isTrue();
        assertThat(held.account()).isEqualTo(org);
        assertThat(held.isOrganization()).as("a retired link is no account").isFalse();
        assertThat(held.retiredLink(3)).as("numbered from the account").isEqualTo(org.retiredLink(3));
        assertThat(org.isRetiredLink()).isFalse();
        assertThat(org.account()).isSameAs(org);
        assertThatThrownBy(() -> org.retiredLink(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(org.retirable()).isTrue();
        assertThat(held.retirable()).isFalse();
        UserId longest = UserId.of("u".repeat(242));
        assertThat(longest.retirable()).isTrue();
        assertThat(longest.retiredLink(9999).value()).hasSize(255);
        assertThat(UserId.of("u".repeat(243)).retirable()).isFalse();
        CustomerLink link = new CustomerLink(held, CustomerId.of("cus_1"), "a@example.com", java.time.Instant.EPOCH);
        assertThat(link.ofAccount().userId()).isEqualTo(org);
        assertThat(link.ofAccount().customerId()).isEqualTo(link.customerId());
    }

    @Test
    void idsRejectBlankOverlongAndControlCharacters() {
        assertThatThrownBy(() -> UserId.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserId.of("a".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserId.of("user\n1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CustomerId.of(null)).isInstanceOf(NullPointerException.class);
        assertThat(UserId.of("user_2abc").value()).isEqualTo("user_2abc");
    }

    @Test
    void moneyNeedsALowercaseIsoCurrency() {
        assertThatThrownBy(() -> Money.of(100, "USD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.of(100, "dollars")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.of(100, "eur").amount()).isEqualTo(100);
    }

    @Test
    void cardsNeverHoldMoreThanTheLastFourDigits() {
        assertThatThrownBy(() -> new Card("visa", "4242424242424242", 12, 2030))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Card("visa", "4242", 12, 2030).last4()).isEqualTo("4242");
    }

    @Test
    void pagesWithMoreNeedACursorAndLastPagesDropIt() {
        assertThatThrownBy(() -> new Page<>(List.of(1), true, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Page<>(List.of(1), false, "x").nextCursor()).isNull();
        assertThat(new Page<>(List.of(1, 2), true, "c").map(i -> i * 10).items())
                .containsExactly(10, 20);
    }

    @Test
    void eventsNeverPrintTheirPayload() {
        StripeEvent event = new StripeEvent(
                "evt_1",
                "customer.created",
                Instant.EPOCH,
                false,
                null,
                "cus_1",
                "customer",
                "{\"email\":\"someone@example.com\"}");
        assertThat(event.toString()).doesNotContain("someone@example.com");
    }

    @Test
    void identityDropsNullClaims() {
        Map<String, Object> claims = new java.util.HashMap<>();
        claims.put("azp", "https://app.example.com");
        claims.put("nothing", null);
        Identity identity = new Identity(UserId.of("u"), "sess", null, null, claims);
        assertThat(identity.claims()).containsOnlyKeys("azp");
    }

    @Test
    void calendarMonthIsUtcAndHalfOpen() {
        UsagePeriod period = UsagePeriod.calendarMonthOf(Instant.parse("2026-02-28T23:59:59Z"));
        assertThat(period.start()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(period.end()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(period.contains(period.end())).isFalse();
        assertThat(period.contains(period.start())).isTrue();
    }

    @Test
    void checkoutRequestsRefuseTrialsOutsideSubscriptions() {
        assertThatThrownBy(() -> new CheckoutRequest(
                        CheckoutMode.PAYMENT,
                        CustomerId.of("cus_1"),
                        List.of(new LineItem.OfPrice("price_1", 1)),
                        "https://a",
                        "https://a",
                        "u",
                        7,
                        null,
                        Map.of(),
                        Map.of(),
                        "key"))
                .hasMessageContaining("only subscriptions have trials");
    }

    @Test
    void sealedOutcomesListTheirCases() {
        assertThat(UsageResult.class.getPermittedSubclasses()).hasSize(4);
        assertThat(EventObject.class.getPermittedSubclasses()).hasSize(12);
        assertThat(Notification.class.getPermittedSubclasses()).hasSize(NoticeKind.values().length);
    }
}
