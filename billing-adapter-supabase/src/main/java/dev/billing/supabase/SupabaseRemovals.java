package dev.billing.supabase;

import dev.billing.core.model.audit.AuditCause;

/**
 * The ports' {@code remove*} methods on Supabase: one {@code DELETE} by key through PostgREST, for a store-to-store
 * copy (MigrateStores) that makes this store equal to its source. The billing SQL has no trigger on deletes, so a
 * removal adds nothing to the audit trail (the copy brings the source's own entries); it carries the copy's cause
 * all the same, as the copy's writes do (016), for any trigger a project adds.
 */
final class SupabaseRemovals {
    private SupabaseRemovals() {}

    /**
     * Deletes the rows of {@code table} whose columns equal the values ({@code column, value, column, value, ...}),
     * answering whether there was one. Safe to send again: a second delete finds nothing.
     */
    static boolean delete(PostgrestClient client, String table, String... columnsAndValues) {
        if (columnsAndValues.length < 2 || columnsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a key is column, value pairs");
        }
        PostgrestClient.Request request = client.delete(table)
                .prefer("return=representation")
                .param("select", columnsAndValues[0])
                .cause(AuditCause.MIGRATION.text())
                .retryable();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            request.param(columnsAndValues[i], "eq." + columnsAndValues[i + 1]);
        }
        return request.send().json().size() > 0;
    }
}
