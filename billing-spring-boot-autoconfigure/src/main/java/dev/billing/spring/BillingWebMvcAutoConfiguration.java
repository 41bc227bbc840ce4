package dev.billing.spring;

import dev.billing.core.Billing;
import dev.billing.core.config.IpRanges;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.http.ApiDispatcher;
import dev.billing.http.ApiRoute;
import dev.billing.http.ApiSettings;
import dev.billing.http.log.Slf4jRequestLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The standalone server's HTTP routes in a Spring MVC application: webhooks, the user routes, the admin routes and
 * the OpenAPI document, each group switched by {@code billing.http.<group>.enabled}. Health and metrics are the
 * application's Actuator endpoints instead of the server's {@code /health} and {@code /metrics}.
 */
@AutoConfiguration(after = BillingAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(Billing.class)
public class BillingWebMvcAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ApiDispatcher billingApiDispatcher(
            Billing billing,
            IdentityVerifier identities,
            BillingProperties properties,
            ObjectProvider<MeterRegistry> registry) {
        BillingHttpProperties http = properties.getHttp();
        BillingProperties.Erasure erasure = properties.getErasure();
        ApiSettings settings = ApiSettings.builder()
                .allowedOrigins(properties.getAllowedOrigins())
                .publicCatalog(http.isPublicCatalog())
                .maxBodyBytes(http.getMaxBodyBytes())
                .maxWebhookBytes(http.getMaxWebhookBytes())
                .adminToken(http.getAdmin().isEnabled() ? http.getAdminToken() : null)
                .userRequestsPerMinute(http.getUserRequestsPerMinute())
                .ipRequestsPerMinute(http.getIpRequestsPerMinute())
                .serviceKeyRequestsPerMinute(http.getServiceKeyRequestsPerMinute())
                .trustForwardedFor(http.isTrustForwardedFor())
                .trustedProxies(http.getTrustedProxies())
                .stripeWebhookSources(stripeWebhookSources(http))
                .erasure(new ErasePersonalData.Options(
                        erasure.isCancelSubscriptions(), erasure.isDeleteStripeCustomer()))
                .guestCheckoutsPerMinute(http.getGuestCheckoutsPerMinute())
                .version(version(
                        BillingWebMvcAutoConfiguration.class.getPackage().getImplementationVersion()))
                .build();
        ApiDispatcher.Builder builder =
                ApiDispatcher.builder().billing(billing).identities(identities).settings(settings);
        // Spring Boot logs through SLF4J: the request id and user go to its MDC, the access line gets key-values.
        builder.requestLog(new Slf4jRequestLog());
        MeterRegistry meters = registry.getIfAvailable();
        if (meters != null) {
            builder.meterRegistry(meters);
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public BillingRoutes billingRoutes(ApiDispatcher api, BillingProperties properties) {
        return new BillingRoutes(new BillingHandlerMapping(api, served(properties.getHttp())));
    }

    @Bean
    public BillingHandlerMapping billingHandlerMapping(BillingRoutes routes) {
        return routes.mapping();
    }

    /**
     * Which routes the groups switched on serve, by who may call them: Stripe's and Clerk's webhooks with
     * {@code webhooks}; the user routes with {@code api}, and with them the user-facing routes that need no token
     * (the public catalog, the guest checkout). The server's health, metrics and local-mode routes never.
     */
    static Predicate<ApiRoute> served(BillingHttpProperties http) {
        return route -> switch (route.access()) {
            case WEBHOOK -> http.getWebhooks().isEnabled();
            case USER -> http.getApi().isEnabled();
            case ADMIN -> http.getAdmin().isEnabled() && !route.path().equals("/metrics");
            case PUBLIC ->
                route.path().equals("/openapi.json")
                        ? http.getOpenapi().isEnabled()
                        : (route.path().startsWith("/stripe/") || route.path().startsWith("/guest/"))
                                && http.getApi().isEnabled();
            case HEALTH -> false;
        };
    }

    /** The version the OpenAPI document names: the jar's, or "dev" when run from classes. */
    /** Validated with the properties already; a file that changed since is read (and refused) once more here. */
    private static IpRanges stripeWebhookSources(BillingHttpProperties http) {
        try {
            return http.stripeWebhookSources();
        } catch (IOException e) {
            throw new UncheckedIOException("billing.http.stripe-webhook-ips-file cannot be read", e);
        }
    }

    static String version(String implementationVersion) {
        return implementationVersion == null ? "dev" : implementationVersion;
    }
}
