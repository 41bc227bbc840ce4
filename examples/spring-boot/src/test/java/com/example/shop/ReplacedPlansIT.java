package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.testkit.http.Http;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shop replaces one auto-configured bean (the plan catalog) with its own; the rest stays as configured. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplacedPlansIT {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ShopFixture.properties(registry);
    }

    @TestConfiguration
    static class OwnCatalog {
        @Bean
        PlanCatalog shopPlans() {
            return PlanCatalog.builder()
                    .freeTier(new Tier("free", 0, Set.of("notes-read"), Map.of(), 0, 0))
                    .build();
        }
    }

    @Test
    void theShopsOwnCatalogIsTheOneInForce() {
        Http.Response me = Http.local(port).get("/me/entitlements", ShopFixture.token("user_carol"));
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("tier").asText()).isEqualTo("free");
        assertThat(me.json().path("features")).hasSize(1);
        assertThat(me.json().path("features").get(0).asText())
                .as("the sample catalog has no such feature")
                .isEqualTo("notes-read");
    }
}
