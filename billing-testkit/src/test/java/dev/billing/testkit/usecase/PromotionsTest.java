package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.UseCases;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.CatalogPromotion;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Public promotion codes listed from a cache of Stripe's answers, and codes applied to the caller's subscription. */
class PromotionsTest {
    private final BillingHarness h =
            BillingHarness.create(o -> o.catalogTtl(Duration.ofSeconds(60)).catalogMaxStale(Duration.ofHours(1)));
    private final UseCases uc = h.billing().useCases();
    private final UserId alice = UserId.of("user_alice");
    private final UserId mallory = UserId.of("user_mallory");

    private Subscription aliceSubscribes() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(alice.value())).customerId();
        h.billing().ensureCustomer(h.identity(mallory.value()));
        Subscription sub = h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        uc.reconcile().customer(customer);
        return sub;
    }

    @Test
    void listsThePublicCodesFromACacheAndServesTheLastAnswerWhileStripeFails() {
        assertThat(uc.listPromotions().listed()).extracting(PromotionCode::code).containsExactly("LAUNCH20");
        uc.listPromotions().listed();
        assertThat(h.gateway().calls(Operation.FIND_PROMOTION_CODE)).hasSize(1);

        h.clock().advance(Duration.ofSeconds(61));
        h.gateway().failNext(Operation.FIND_PROMOTION_CODE, 100, Failure.NOT_DONE);
        assertThat(uc.listPromotions().listed()).hasSize(1);
        h.clock().advance(Duration.ofHours(1));
        assertThatThrownBy(() -> uc.listPromotions().listed()).isInstanceOf(GatewayUnavailableException.class);
    }

    /** Delivers a catalog-kind event about {@code objectType} {@code id}; returns what the inbox made of it. */
    private InboxStatus deliverCatalogEvent(String type, String objectType, String id) {
        StripeEvent event = anEvent()
                .withType(type)
                .forObject(objectType, id)
                .createdAt(h.clock().instant())
                .build();
        h.deliver(event, new EventObject.OfCatalog(objectType, id));
        return h.stores().inbox().find(event.id()).orElseThrow().status();
    }

    @Test
    @DisplayName("coupon and promotion code webhooks drop the cached codes; product and price webhooks leave them")
    void promotionWebhooksRefreshTheCodes() {
        assertThat(uc.listPromotions().listed()).extracting(PromotionCode::code).containsExactly("LAUNCH20");
        h.gateway().deactivatePromotionCode("LAUNCH20");

        assertThat(deliverCatalogEvent("product.updated", "product", "prod_pro"))
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(uc.listPromotions().listed()).as("still the cached answer").hasSize(1);
        assertThat(deliverCatalogEvent("promotion_code.updated", "promotion_code", "promo_launch20"))
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(uc.listPromotions().listed()).as("read again: deactivated").isEmpty();

        h.gateway()
                .addPromotionCode(new PromotionCode(
                        "promo_launch20",
                        "LAUNCH20",
                        BigDecimal.valueOf(20),
                        0,
                        null,
                        PromotionCode.Duration.ONCE,
                        null,
                        null));
        deliverCatalogEvent("coupon.updated", "coupon", "LAUNCH20");
        assertThat(uc.listPromotions().listed()).extracting(PromotionCode::code).containsExactly("LAUNCH20");
        assertThat(h.gateway().calls(Operation.FIND_PROMOTION_CODE)).hasSize(3);
        assertThat(List.of(
                        "coupon.created",
                        "coupon.updated",
                        "coupon.deleted",
                        "promotion_code.created",
                        "promotion_code.updated"))
                .allMatch(ProcessInboxEvent::handlesEventType);
    }

    @Test
    void privateUnknownAndExpiredCodesAreNotListed() {
        PlanCatalog sample = SamplePlans.catalog();
        PlanCatalog.Builder plans = PlanCatalog.builder().freeTier(sample.freeTier());
        sample.tiers().stream().filter(t -> t.rank() > 0).forEach(plans::tier);
        sample.plans().forEach(p -> plans.plan(p.tier().name(), p.interval(), p.priceId()));
        BillingHarness other = BillingHarness.withPlans(plans.promotion(new CatalogPromotion("HIDDEN", false))
                .promotion(new CatalogPromotion("GONE", true))
                .promotion(new CatalogPromotion("OLD", true))
                .promotion(new CatalogPromotion("FIVE", true))
                .build());
        other.gateway()
                .addPromotionCode(new PromotionCode(
                        "promo_hidden", "HIDDEN", BigDecimal.TEN, 0, null, PromotionCode.Duration.FOREVER, null, null));
        other.gateway()
                .addPromotionCode(new PromotionCode(
                        "promo_old",
                        "OLD",
                        BigDecimal.TEN,
                        0,
                        null,
                        PromotionCode.Duration.FOREVER,
                        null,
                        other.clock().instant().minusSeconds(1)));
        other.gateway()
                .addPromotionCode(new PromotionCode(
                        "promo_five",
                        "FIVE",
                        null,
                        500,
                        "usd",
                        PromotionCode.Duration.REPEATING,
                        3,
                        Instant.parse("2100-01-01T00:00:00Z")));

        assertThat(other.billing().useCases().listPromotions().listed())
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.code()).isEqualTo("FIVE");
                    assertThat(c.amountOff()).isEqualTo(500);
                    assertThat(c.durationInMonths()).isEqualTo(3);
                });
    }

    @Test
    void aCodeAppliedToTheCallersSubscriptionIsProjectedAtOnce() {
        Subscription sub = aliceSubscribes();

        Subscription discounted = uc.applyPromotionCode().apply(alice, sub.id(), "launch20");

        assertThat(discounted.pricing().percentOff()).isEqualByComparingTo("20");
        assertThat(h.gateway().calls(Operation.APPLY_PROMOTION_CODE)).hasSize(1);
        assertThat(h.stores().subscriptions().findSubscription(sub.id()))
                .map(Subscription::pricing)
                .map(SubscriptionPricing::percentOff)
                .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("20"));
    }

    @Test
    void codesThatCannotBeUsedAreInvalidPromotionCodeAndAnotherUsersSubscriptionIsNotFound() {
        Subscription sub = aliceSubscribes();

        for (String code : new String[] {"NOSUCH", "two words", ""}) {
            assertThatThrownBy(() -> uc.applyPromotionCode().apply(alice, sub.id(), code))
                    .as(code)
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.code()).isEqualTo("invalid_promotion_code"));
        }
        assertThatThrownBy(() -> uc.applyPromotionCode().apply(mallory, sub.id(), "LAUNCH20"))
                .isInstanceOf(NotFoundException.class);
        h.gateway().failNext(Operation.APPLY_PROMOTION_CODE, 1, Failure.REJECTED);
        assertThatThrownBy(() -> uc.applyPromotionCode().apply(alice, sub.id(), "LAUNCH20"))
                .isNotInstanceOf(InvalidRequestException.class);
        assertThat(h.gateway().calls(Operation.APPLY_PROMOTION_CODE)).hasSize(1);
    }
}
