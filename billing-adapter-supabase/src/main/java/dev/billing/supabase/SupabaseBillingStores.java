package dev.billing.supabase;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.StoreLifecycle;
import java.util.Map;

/**
 * Every store port on a Supabase project, over its REST API (PostgREST at {@code <project URL>/rest/v1}) with the
 * project's service-role key. Apply the billing SQL ({@link SupabaseSql}) to the project first.
 *
 * <p>Usage: {@code try (BillingStores stores = SupabaseBillingStores.create("https://abcd.supabase.co",
 * serviceRoleKey)) { stores.ping(); ... }} (or {@link #create(SupabaseConfig)} for other timeouts and retries)
 *
 * <p>Failures are the core's store errors: {@link dev.billing.core.error.StoreUnavailableException} when Supabase
 * cannot be reached, times out or answers 5xx (nothing was written by that call unless its outcome is unknown after
 * a timeout); {@link SupabaseConfigurationException} when the key is refused or the billing SQL is missing; any
 * other {@link dev.billing.core.error.StoreException} with PostgREST's code and message.
 */
public final class SupabaseBillingStores {
    private SupabaseBillingStores() {}

    /**
     * @throws IllegalArgumentException when the URL or the key is missing or malformed, or the key is a JWT for
     *     another role than {@code service_role} (the anon key, for instance)
     */
    public static BillingStores create(String supabaseUrl, String serviceRoleKey) {
        return create(SupabaseConfig.of(supabaseUrl, serviceRoleKey));
    }

    public static BillingStores create(SupabaseConfig config) {
        PostgrestClient client = new PostgrestClient(config);
        return new BillingStores(
                new SupabaseCustomerStore(client),
                new SupabaseSubscriptionStore(client),
                new SupabaseEventInbox(client),
                new SupabaseUsageLedger(client),
                new SupabaseProjectionChanges(client),
                new Lifecycle(client),
                new SupabaseMembershipStore(client),
                new SupabaseGuestPurchaseStore(client),
                new SupabaseAuditLog(client),
                new SupabaseAnalyticsStore(client),
                new SupabaseNoticeLog(client),
                new SupabaseServiceKeyStore(client));
    }

    /** Ping and close of the shared HTTP client. */
    private static final class Lifecycle implements StoreLifecycle {
        private final PostgrestClient client;

        Lifecycle(PostgrestClient client) {
            this.client = client;
        }

        /**
         * One cheap call of a billing function: proves the project answers, the key works, and the billing SQL is
         * applied and not older than this build's ({@link SupabaseSql#VERSION}).
         */
        @Override
        public void ping() {
            int applied =
                    client.rpc("billing_sql_version", Map.of()).send().json().asInt();
            if (applied < SupabaseSql.VERSION) {
                throw new SupabaseConfigurationException("The billing SQL on this Supabase project is version "
                        + applied + ", older than this build's (" + SupabaseSql.VERSION + "): apply it again "
                        + "(billing-server supabase-sql; it is idempotent)");
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
