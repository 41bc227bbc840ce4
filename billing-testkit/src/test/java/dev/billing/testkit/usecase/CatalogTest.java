package dev.billing.testkit.usecase;

import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.model.Price;
import dev.billing.core.model.PriceQuery;
import dev.billing.core.usecase.ListCatalog;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    private final BillingHarness h = BillingHarness.create(o -> o.catalogTtl(Duration.ofSeconds(60))
            .catalogMaxStale(Duration.ofHours(1)));
    private final ListCatalog catalog = h.billing().useCases().listCatalog();
    private final PriceQuery query = PriceQuery.activeOnly();

    @Test
    void servesFromCacheWithinTheTtlAndRefreshesAfter() {
        catalog.prices(query);
        catalog.prices(query);
        assertThat(h.gateway().calls(Operation.LIST_PRICES)).hasSize(1);
        h.clock().advance(Duration.ofSeconds(61));
        catalog.prices(query);
        assertThat(h.gateway().calls(Operation.LIST_PRICES)).hasSize(2);
    }

    @Test
    void servesTheLastGoodAnswerWhileStripeFailsThenGivesUpAfterMaxStale() {
        int before = catalog.prices(query).items().size();
        h.clock().advance(Duration.ofSeconds(61));
        h.gateway().failNext(Operation.LIST_PRICES, 100, Failure.NOT_DONE);
        assertThat(catalog.prices(query).items()).hasSize(before);
        h.clock().advance(Duration.ofHours(1));
        assertThatThrownBy(() -> catalog.prices(query)).isInstanceOf(GatewayUnavailableException.class);
    }

    @Test
    void aColdCacheWithStripeDownFails() {
        h.gateway().failNext(Operation.LIST_PRICES, 1, Failure.NOT_DONE);
        assertThatThrownBy(() -> catalog.prices(query)).isInstanceOf(GatewayUnavailableException.class);
    }

    @Test
    void fiftyConcurrentReadersOfAnExpiredEntryCauseOneRefresh() {
        catalog.prices(query);
        h.clock().advance(Duration.ofSeconds(61));
        Race.run(50, i -> catalog.prices(query));
        assertThat(h.gateway().calls(Operation.LIST_PRICES)).hasSize(2);
    }

    @Test
    void differentFiltersAreCachedApart() {
        catalog.prices(query);
        var oneTime = catalog.prices(new PriceQuery(true, null, dev.billing.core.model.PriceType.ONE_TIME, 100, null));
        assertThat(oneTime.items()).extracting(Price::id).containsExactly("price_credits_100");
        assertThat(h.gateway().calls(Operation.LIST_PRICES)).hasSize(2);
    }
}
