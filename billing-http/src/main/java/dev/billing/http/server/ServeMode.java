package dev.billing.http.server;

import dev.billing.core.usecase.ReconcileReport;

import java.util.Map;

/** Production wiring: the real adapters chosen by {@link ServerConfig}. */
final class ServeMode {
    private ServeMode() {
    }

    static BillingServer start(ServerConfig config, String version) {
        throw new UnsupportedOperationException("adapters not wired yet");
    }

    static ReconcileReport reconcile(ServerConfig config, String user, String customer) {
        throw new UnsupportedOperationException("adapters not wired yet");
    }

    /** {@code schema migrate}: needs only DATABASE_URL. */
    static int migrate(Map<String, String> env) {
        String url = env.get("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new ConfigException(java.util.List.of("DATABASE_URL is required: postgres://user:password@host:5432/db"));
        }
        try {
            return Adapters.migratePostgres(url.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(java.util.List.of("DATABASE_URL: " + e.getMessage()));
        }
    }

    static String supabaseSql() {
        throw new UnsupportedOperationException("adapters not wired yet");
    }
}
