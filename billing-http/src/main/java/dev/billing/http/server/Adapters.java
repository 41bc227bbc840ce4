package dev.billing.http.server;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;

import java.net.URI;
import java.time.Clock;
import java.util.List;

/** The one place that constructs adapters (Postgres, Supabase, Stripe) for serve and local mode. */
final class Adapters {
    private Adapters() {
    }

    static BillingStores postgres(String databaseUrl) {
        throw new UnsupportedOperationException("the Postgres adapter has not landed yet");
    }

    static BillingStores supabase(URI url, String serviceRoleKey) {
        throw new UnsupportedOperationException("the Supabase adapter has not landed yet");
    }

    static PaymentGateway stripe(String secretKey, URI apiBase) {
        throw new UnsupportedOperationException("the Stripe adapter has not landed yet");
    }

    static WebhookVerifier stripeWebhooks(List<String> secrets, Clock clock) {
        throw new UnsupportedOperationException("the Stripe adapter has not landed yet");
    }
}
