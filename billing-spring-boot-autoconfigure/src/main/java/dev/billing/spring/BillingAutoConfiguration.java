package dev.billing.spring;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.Billing;
import dev.billing.core.LogNotifier;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.port.WorkTracer;
import dev.billing.micrometer.MeteredPaymentGateway;
import dev.billing.micrometer.StoreGauges;
import dev.billing.micrometer.WorkMetrics;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.stripe.StripeConfig;
import dev.billing.stripe.StripePaymentGateway;
import dev.billing.stripe.StripeWebhookVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;

/**
 * The billing core and its default adapters as beans, each replaceable by a bean of the application's own: the plan
 * catalog, the stores (on the application's {@link DataSource}, billing's migrations in their own schema and history
 * table), the Stripe gateway and webhook verifier, the Clerk verifier, the notifier, the organization options and,
 * with membership sync, Clerk's webhook verifier, and the {@link Billing} facade whose background work follows the
 * context's lifecycle ({@link BillingLifecycle}).
 */
@AutoConfiguration(
        afterName = {
            // Spring Boot 3.5's names, then 4's (one list serves both lines; the absent ones are ignored).
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
            "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
            "org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"
        })
@ConditionalOnProperty(prefix = "billing", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BillingProperties.class)
public class BillingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Clock billingClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    public PlanCatalog billingPlans(BillingProperties properties) throws IOException {
        Resource file = properties.getPlansFile();
        if (file == null) {
            return PlanCatalogYaml.sample(System.getenv());
        }
        try (InputStream in = file.getInputStream()) {
            return PlanCatalogYaml.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), System.getenv(), file.getDescription());
        }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "billing.store", name = "type", havingValue = "postgres", matchIfMissing = true)
    public BillingStores billingPostgresStores(
            BillingProperties properties,
            ObjectProvider<DataSource> dataSource,
            ObjectProvider<MeterRegistry> registry) {
        BillingStoreProperties.Postgres postgres = properties.getStore().getPostgres();
        if (postgres.getUrl() != null && !postgres.getUrl().isBlank()) {
            BillingStores own = PostgresBillingStores.create(postgres.getUrl().strip());
            // Billing's own pool is no DataSource bean, so Boot's pool metrics do not see it: bound here.
            registry.ifAvailable(meters -> PostgresBillingStores.bindPoolMetrics(own, meters));
            return own;
        }
        DataSource shared = dataSource.getIfAvailable();
        if (shared == null) {
            throw new IllegalStateException("billing.store.type=postgres needs a DataSource: configure "
                    + "spring.datasource.url, or give billing a database of its own with billing.store.postgres.url");
        }
        // The stores never close the application's pool: close() here only ends their own use of it.
        return PostgresBillingStores.create(shared, postgres.getSchema(), postgres.isMigrate());
    }

    @Bean
    @ConditionalOnMissingBean
    public PaymentGateway billingPaymentGateway(
            BillingProperties properties, Clock clock, ObjectProvider<MeterRegistry> registry) {
        StripeConfig config =
                StripeConfig.of(properties.getStripe().getSecretKey().strip());
        if (properties.getStripe().getApiBase() != null) {
            config = config.withApiBase(properties.getStripe().getApiBase().toString());
        }
        if (properties.getStripe().getRequestsPerSecond() != null) {
            config = config.withRequestsPerSecond(properties.getStripe().getRequestsPerSecond());
        }
        PaymentGateway stripe = StripePaymentGateway.create(config, clock);
        MeterRegistry meters = registry.getIfAvailable();
        return meters == null ? stripe : new MeteredPaymentGateway(stripe, meters);
    }

    @Bean
    @ConditionalOnMissingBean
    public WebhookVerifier billingWebhookVerifier(BillingProperties properties, Clock clock) {
        return StripeWebhookVerifier.create(
                properties.getStripe().getWebhookSecrets().stream()
                        .map(String::strip)
                        .toList(),
                clock);
    }

    @Bean
    @ConditionalOnMissingBean
    public IdentityVerifier billingIdentityVerifier(BillingProperties properties, Clock clock) {
        BillingProperties.Clerk clerk = properties.getClerk();
        ClerkConfig.Builder builder = ClerkConfig.builder();
        if (clerk.getPublishableKey() != null && !clerk.getPublishableKey().isBlank()) {
            builder.publishableKey(clerk.getPublishableKey().strip());
        }
        if (clerk.getIssuer() != null && !clerk.getIssuer().isBlank()) {
            builder.issuer(clerk.getIssuer().strip());
        }
        if (clerk.getJwksUrl() != null) {
            builder.jwksUrl(clerk.getJwksUrl());
        }
        if (clerk.getJwtKey() != null && !clerk.getJwtKey().isBlank()) {
            builder.jwtKey(clerk.getJwtKey().strip());
        }
        builder.authorizedParties(clerk.getAuthorizedParties());
        return ClerkIdentityVerifier.create(builder.build(), clock);
    }

    /**
     * Notices by mail through the application's JavaMailSender when it has one and {@code billing.notices.from} is
     * set (with billing-adapter-smtp's messages); logged otherwise.
     */
    @Bean
    @ConditionalOnMissingBean
    public Notifier billingNotifier(BillingProperties properties, BeanFactory beans) {
        BillingProperties.Notices notices = properties.getNotices();
        boolean mailable = notices.isMail()
                && notices.getFrom() != null
                && !notices.getFrom().isBlank()
                && ClassUtils.isPresent("org.springframework.mail.javamail.JavaMailSender", null)
                && ClassUtils.isPresent("dev.billing.smtp.NoticeMail", null);
        if (mailable) {
            Notifier mail = MailNotices.notifier(beans, notices);
            if (mail != null) {
                return mail;
            }
        }
        return new LogNotifier();
    }

    @Bean
    @ConditionalOnMissingBean
    public BillingOptions billingOptions(BillingProperties properties) {
        String key = properties.getStripe().getSecretKey().strip();
        return BillingOptions.builder()
                .allowedOrigins(List.copyOf(properties.getAllowedOrigins()))
                .requireHttps(properties.isRequireHttps())
                .defaultSuccessUrl(text(properties.getSuccessUrl()))
                .defaultCancelUrl(text(properties.getCancelUrl()))
                .defaultReturnUrl(text(properties.getReturnUrl()))
                .livemode(key.startsWith("sk_live_") || key.startsWith("rk_live_"))
                .refetchOnWebhook(properties.isRefetchOnWebhook())
                .pastDueGrace(properties.getPastDueGrace())
                .entitlementsCacheTtl(properties.getEntitlementsCacheTtl())
                .analyticsMaxAge(properties.getAnalyticsMaxAge())
                .stripeTax(properties.isStripeTax())
                .duplicateSubscriptions(properties.getDuplicateSubscriptions())
                .retention(properties.getRetention().options())
                .stripePublishableKey(properties.getStripe().getPublishableKey())
                .build();
    }

    /** Who manages an organization's billing, and membership sync ({@code billing.orgs.*}). */
    @Bean
    @ConditionalOnMissingBean
    public OrgOptions billingOrgOptions(BillingProperties properties) {
        BillingOrgProperties orgs = properties.getOrgs();
        return new OrgOptions(
                stripped(orgs.getBillingRoles()),
                stripped(orgs.getBillingPermissions()),
                orgs.isMembershipSync(),
                orgs.isAutoSeats());
    }

    /** Clerk's webhook deliveries (Svix-signed) for membership sync, under {@code billing.clerk.webhook-secrets}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "billing.orgs", name = "membership-sync", havingValue = "true")
    public MembershipWebhookVerifier billingMembershipVerifier(BillingProperties properties) {
        return ClerkWebhookVerifier.create(stripped(properties.getClerk().getWebhookSecrets()));
    }

    /** The facade; {@link BillingLifecycle} starts its background work with the context and stops it first. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Billing billing(
            PaymentGateway gateway,
            WebhookVerifier webhookVerifier,
            BillingStores stores,
            PlanCatalog plans,
            Notifier notifier,
            BillingOptions options,
            Clock clock,
            ObjectProvider<MeterRegistry> registry,
            ObjectProvider<OrgOptions> orgOptions,
            ObjectProvider<MembershipWebhookVerifier> membershipVerifier,
            ObjectProvider<WorkTracer> tracer) {
        MeterRegistry meters = registry.getIfAvailable();
        WorkObserver observer = WorkObserver.NONE;
        if (meters != null) {
            observer = new WorkMetrics(meters);
            StoreGauges.register(stores, meters, java.time.Duration.ofSeconds(5), clock);
        }
        OrgOptions orgs = orgOptions.getIfAvailable(OrgOptions::defaults);
        Billing.Builder builder = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(webhookVerifier)
                .stores(stores)
                .plans(plans)
                .notifier(notifier)
                .options(options)
                .orgs(orgs)
                .clock(clock)
                .observer(observer)
                .tracer(tracer.getIfAvailable(() -> WorkTracer.NONE)); // BillingTracingAutoConfiguration's
        if (orgs.membershipSync()) {
            // An application's own OrgOptions may turn sync on without billing.orgs.membership-sync, which is what
            // creates the default verifier: say what to set rather than the builder's bare "membershipVerifier".
            MembershipWebhookVerifier verifier = membershipVerifier.getIfAvailable();
            if (verifier == null) {
                throw new IllegalStateException("Membership sync is on but there is no MembershipWebhookVerifier: "
                        + "set billing.orgs.membership-sync=true and billing.clerk.webhook-secrets, or define one");
            }
            builder.membershipVerifier(verifier);
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public BillingLifecycle billingLifecycle(Billing billing) {
        return new BillingLifecycle(billing);
    }

    private static List<String> stripped(List<String> values) {
        return values.stream().map(String::strip).toList();
    }

    private static String text(java.net.URI uri) {
        return uri == null ? null : uri.toString();
    }

    /** The Supabase store, when the application adds billing-adapter-supabase and chooses it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.billing.supabase.SupabaseBillingStores")
    @ConditionalOnProperty(prefix = "billing.store", name = "type", havingValue = "supabase")
    static class SupabaseStore {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        public BillingStores billingSupabaseStores(BillingProperties properties) {
            BillingStoreProperties.Supabase supabase = properties.getStore().getSupabase();
            return dev.billing.supabase.SupabaseBillingStores.create(
                    supabase.getUrl().toString(), supabase.getServiceRoleKey().strip());
        }
    }
}
