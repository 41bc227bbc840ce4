package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.billingportal.Configuration;
import com.stripe.param.billingportal.ConfigurationCreateParams;
import com.stripe.param.billingportal.ConfigurationCreateParams.Features;
import com.stripe.param.billingportal.ConfigurationListParams;
import com.stripe.param.billingportal.ConfigurationUpdateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/billing_portal/configurations} through stripe-java. */
class PortalConfigurationsIT {
    private static StripeEmulator emu;
    private static StripeClient stripe;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .build();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static Features.SubscriptionUpdate.Product proProduct() throws Exception {
        String product = stripe.v1().prices().retrieve("price_pro_monthly").getProduct();
        return Features.SubscriptionUpdate.Product.builder()
                .setProduct(product)
                .addPrice("price_pro_monthly")
                .addPrice("price_pro_yearly")
                .build();
    }

    @Test
    void theFirstConfigurationIsTheDefaultAndKeepsItsFeatures() throws Exception {
        Configuration created = stripe.v1()
                .billingPortal()
                .configurations()
                .create(ConfigurationCreateParams.builder()
                        .setFeatures(Features.builder()
                                .setInvoiceHistory(Features.InvoiceHistory.builder()
                                        .setEnabled(true)
                                        .build())
                                .setSubscriptionCancel(Features.SubscriptionCancel.builder()
                                        .setEnabled(true)
                                        .setMode(Features.SubscriptionCancel.Mode.AT_PERIOD_END)
                                        .build())
                                .setSubscriptionUpdate(Features.SubscriptionUpdate.builder()
                                        .setEnabled(true)
                                        .addDefaultAllowedUpdate(Features.SubscriptionUpdate.DefaultAllowedUpdate.PRICE)
                                        .addProduct(proProduct())
                                        .build())
                                .build())
                        .build());
        assertThat(created.getId()).startsWith("bpc_");
        assertThat(created.getIsDefault()).isTrue();
        assertThat(created.getFeatures().getInvoiceHistory().getEnabled()).isTrue();
        assertThat(created.getFeatures().getSubscriptionUpdate().getProducts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPrices()).containsExactly("price_pro_monthly", "price_pro_yearly"));

        Configuration second = stripe.v1()
                .billingPortal()
                .configurations()
                .create(ConfigurationCreateParams.builder()
                        .setFeatures(Features.builder()
                                .setInvoiceHistory(Features.InvoiceHistory.builder()
                                        .setEnabled(false)
                                        .build())
                                .build())
                        .build());
        assertThat(second.getIsDefault()).isFalse();
        assertThat(stripe.v1()
                        .billingPortal()
                        .configurations()
                        .list(ConfigurationListParams.builder()
                                .setIsDefault(true)
                                .build())
                        .getData())
                .extracting(Configuration::getId)
                .containsExactly(created.getId());

        Configuration updated = stripe.v1()
                .billingPortal()
                .configurations()
                .update(
                        created.getId(),
                        ConfigurationUpdateParams.builder()
                                .setFeatures(ConfigurationUpdateParams.Features.builder()
                                        .setPaymentMethodUpdate(
                                                ConfigurationUpdateParams.Features.PaymentMethodUpdate.builder()
                                                        .setEnabled(true)
                                                        .build())
                                        .build())
                                .build());
        assertThat(updated.getFeatures().getPaymentMethodUpdate().getEnabled()).isTrue();
        assertThat(updated.getFeatures().getInvoiceHistory().getEnabled()).isTrue();
        assertThat(stripe.v1()
                        .billingPortal()
                        .configurations()
                        .retrieve(created.getId())
                        .getFeatures()
                        .getSubscriptionUpdate()
                        .getProducts())
                .hasSize(1);
    }

    @Test
    void aPriceOfAnotherProductIsRefused() throws Exception {
        String product = stripe.v1().prices().retrieve("price_basic_monthly").getProduct();
        assertThatThrownBy(() -> stripe.v1()
                        .billingPortal()
                        .configurations()
                        .create(ConfigurationCreateParams.builder()
                                .setFeatures(Features.builder()
                                        .setSubscriptionUpdate(Features.SubscriptionUpdate.builder()
                                                .setEnabled(true)
                                                .addProduct(Features.SubscriptionUpdate.Product.builder()
                                                        .setProduct(product)
                                                        .addPrice("price_pro_monthly")
                                                        .build())
                                                .build())
                                        .build())
                                .build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("does not belong to the product");
    }
}
