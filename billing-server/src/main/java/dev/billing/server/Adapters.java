package dev.billing.server;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.postgres.PostgresConfig;
import dev.billing.stripe.StripeCatalogSync;
import dev.billing.stripe.StripeConfig;
import dev.billing.stripe.StripePaymentGateway;
import dev.billing.stripe.StripeWebhookVerifier;
import dev.billing.supabase.SupabaseBillingStores;
import dev.billing.supabase.SupabaseSql;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/** The one place that constructs adapters (Postgres, Supabase, Stripe) for serve and local mode. */
final class Adapters {
    private Adapters() {}

    /** Stores on a pool of their own (closed with the stores), migrated first. */
    static BillingStores postgres(String databaseUrl) {
        return PostgresBillingStores.create(databaseUrl);
    }

    /** As {@link #postgres(String)}, with at most {@code connections} connections. */
    static BillingStores postgres(String databaseUrl, int connections) {
        return PostgresBillingStores.create(PostgresConfig.builder()
                .databaseUrl(databaseUrl)
                .maximumPoolSize(connections)
                .build());
    }

    /** Applies the Postgres migrations; returns how many ran. */
    static int migratePostgres(String databaseUrl) {
        PostgresConfig config = PostgresConfig.fromDatabaseUrl(databaseUrl);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.jdbcUrl());
        ds.setUser(config.user());
        ds.setPassword(config.password());
        config.properties().forEach((name, value) -> {
            try {
                ds.setProperty(name, value);
            } catch (java.sql.SQLException e) {
                throw new IllegalArgumentException("DATABASE_URL: unsupported parameter " + name, e);
            }
        });
        return PostgresBillingStores.migrate(ds);
    }

    /** Stores on a Supabase project's REST API with its service-role key (the billing SQL applied first). */
    static BillingStores supabase(URI url, String serviceRoleKey) {
        return SupabaseBillingStores.create(url.toString(), serviceRoleKey);
    }

    /** The SQL that prepares a Supabase project. */
    static String supabaseSql() {
        return SupabaseSql.all();
    }

    /** stripe-java against Stripe, or against {@code apiBase} (the emulator) when given. */
    static PaymentGateway stripe(String secretKey, URI apiBase, Clock clock) {
        return StripePaymentGateway.create(stripeConfig(secretKey, apiBase), clock);
    }

    /** The serve's gateway: as above, at most {@code requestsPerSecond} calls a second (-1: the adapter's default). */
    static PaymentGateway stripe(ServerConfig config, Clock clock) {
        StripeConfig stripe = stripeConfig(config.stripeSecretKey(), config.stripeApiBase());
        if (config.stripeRequestsPerSecond() >= 0) {
            stripe = stripe.withRequestsPerSecond(config.stripeRequestsPerSecond());
        }
        return StripePaymentGateway.create(stripe, clock);
    }

    /** "Stripe as code" and the start-up lookups (prices by lookup key, the webhook endpoint's version). */
    static StripeCatalogSync stripeSync(String secretKey, URI apiBase) {
        return StripeCatalogSync.create(stripeConfig(secretKey, apiBase));
    }

    /** The key with Stripe's defaults, on {@code apiBase} when given ({@code STRIPE_API_BASE}). */
    static StripeConfig stripeConfig(String secretKey, URI apiBase) {
        StripeConfig config = StripeConfig.of(secretKey);
        return apiBase == null ? config : config.withApiBase(apiBase.toString());
    }

    /** Stripe's signature scheme with every secret (rotation), tolerance 300 s on {@code clock}. */
    static WebhookVerifier stripeWebhooks(List<String> secrets, Clock clock) {
        return StripeWebhookVerifier.create(secrets, clock);
    }
}
