package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.testkit.http.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog routes reuse the JSON rendered for the core's cached page, per query; once the core's cache is
 * refreshed (a catalog webhook invalidates it) the next answer shows the new catalog.
 */
class CatalogRoutesIT {
    TestApi api;
    String token;

    @BeforeEach
    void start() {
        api = TestApi.start();
        token = api.token("user_catalog");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static boolean lists(JsonNode page, String id) {
        for (JsonNode item : page.path("data")) {
            if (item.path("id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachQueryHasItsOwnAnswerAndAnInvalidatedCatalogIsRenderedAgain() {
        Http.Response all = api.http.get("/stripe/products", token);
        Http.Response two = api.http.get("/stripe/products?limit=2", token);
        assertThat(all.status()).isEqualTo(200);
        assertThat(two.json().path("data")).hasSize(2);
        assertThat(all.json().path("data").size()).isGreaterThan(2);
        assertThat(api.http.get("/stripe/products", token).body()).isEqualTo(all.body());
        assertThat(api.http.get("/stripe/products?limit=2", token).body()).isEqualTo(two.body());

        api.harness.gateway().addProduct("prod_new_line", "New line");
        api.harness.gateway().addRecurringPrice("price_new_line", "prod_new_line", 1_500, BillingInterval.MONTH);
        assertThat(lists(api.http.get("/stripe/products", token).json(), "prod_new_line"))
                .isFalse(); // cached
        api.harness.billing().useCases().listCatalog().invalidate(); // what product.* and price.* events do
        assertThat(lists(api.http.get("/stripe/products", token).json(), "prod_new_line"))
                .isTrue();
        assertThat(lists(api.http.get("/stripe/prices?limit=100", token).json(), "price_new_line"))
                .isTrue();
    }
}
