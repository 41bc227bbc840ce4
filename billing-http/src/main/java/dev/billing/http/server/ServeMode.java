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

    static int migrate(Map<String, String> env) {
        throw new UnsupportedOperationException("adapters not wired yet");
    }

    static String supabaseSql() {
        throw new UnsupportedOperationException("adapters not wired yet");
    }
}
