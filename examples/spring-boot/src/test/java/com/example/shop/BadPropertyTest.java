package com.example.shop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A wrong billing property stops the application at start, with a message that names it. */
class BadPropertyTest {

    @Test
    void aWebhookSecretWithoutItsPrefixStopsTheContext() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ShopApplication.class)
                        .web(WebApplicationType.NONE)
                        .run(
                                "--billing.stripe.secret-key=sk_test_shop",
                                "--billing.stripe.webhook-secrets=shop_secret",
                                "--billing.clerk.issuer=https://clerk.shop.test",
                                "--billing.clerk.jwks-url=https://clerk.shop.test/.well-known/jwks.json",
                                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
                                "--spring.flyway.enabled=false")
                        .close())
                .hasStackTraceContaining("billing.stripe.webhookSecrets[0]")
                .hasStackTraceContaining("must be a webhook signing secret starting with whsec_");
    }
}
