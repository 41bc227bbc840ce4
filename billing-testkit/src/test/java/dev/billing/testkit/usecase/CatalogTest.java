package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.catalog.ListCatalog;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private final BillingHarness h =
            BillingHarness.create(o -> o.catalogTtl(Duration.ofSeconds(60)).catalogMaxStale(Duration.ofHours(1)));
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
    @DisplayName("a query gets the very same page until the catalog is read again (rendered JSON is kept by identity)")
    void aQueryGetsTheSamePageInstanceUntilTheCatalogIsReadAgain() {
        var products = catalog.products(ProductQuery.activeOnly());
        var prices = catalog.prices(query);
        assertThat(catalog.products(ProductQuery.activeOnly())).isSameAs(products);
        assertThat(catalog.prices(PriceQuery.activeOnly())).isSameAs(prices);
        assertThat(catalog.prices(new PriceQuery(true, null, null, 2, null))).isNotSameAs(prices);

        catalog.invalidate();
        var refreshed = catalog.products(ProductQuery.activeOnly());
        assertThat(refreshed).isNotSameAs(products).isEqualTo(products);
        assertThat(catalog.products(ProductQuery.activeOnly())).isSameAs(refreshed);
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
    void everyFilterAndPageIsAnsweredFromOneReadOfTheCatalog() {
        catalog.prices(query);
        var oneTime = catalog.prices(
                new PriceQuery(true, null, dev.billing.core.model.catalog.PriceType.ONE_TIME, 100, null));
        assertThat(oneTime.items()).extracting(Price::id).containsExactly("price_credits_100");
        catalog.products(ProductQuery.activeOnly());
        assertThat(h.gateway().calls(Operation.LIST_PRICES)).hasSize(1);
        assertThat(h.gateway().calls(Operation.LIST_PRODUCTS)).hasSize(1);
    }

    @Test
    void pagesFollowTheCatalogsOrderWithCursors() {
        List<String> all = catalog.prices(query).items().stream().map(Price::id).toList();
        assertThat(all).hasSizeGreaterThan(3);

        var first = catalog.prices(new PriceQuery(true, null, null, 2, null));
        var second = catalog.prices(new PriceQuery(true, null, null, 2, first.nextCursor()));

        assertThat(first.items()).extracting(Price::id).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).extracting(Price::id).containsExactlyElementsOf(all.subList(2, 4));
        assertThatThrownBy(() -> catalog.prices(new PriceQuery(true, null, null, 2, "price_nope")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("startingAfter");
    }

    @Test
    @DisplayName("while Stripe fails, filtered and paged views are answered from the last good catalog")
    void whileStripeFailsFilteredAndPagedViewsAreAnsweredFromTheStaleCatalog() {
        catalog.products(ProductQuery.activeOnly()); // only the plain product list was ever asked for
        h.clock().advance(Duration.ofSeconds(61));
        h.gateway().failNext(Operation.LIST_PRODUCTS, 100, Failure.NOT_DONE);
        h.gateway().failNext(Operation.LIST_PRICES, 100, Failure.NOT_DONE);

        var proPrices = catalog.prices(new PriceQuery(true, "prod_pro", null, 100, null));
        var twoProducts = catalog.products(new ProductQuery(true, 2, null));

        assertThat(proPrices.items())
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.productId()).isEqualTo("prod_pro"));
        assertThat(twoProducts.items()).hasSize(2);
        assertThat(twoProducts.hasMore()).isTrue();
    }
}
