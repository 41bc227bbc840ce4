package dev.billing.supabase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SQL a Supabase project needs before {@link SupabaseBillingStores} can use it: the tables (keeping the two the
 * earlier Node backend created, {@code stripe_customer_mapping} and {@code stripe_webhook_events}, and adding
 * {@code billing_*} ones), the {@code billing_*} functions called through {@code /rpc}, RLS and grants. Every script
 * is idempotent: applying them again changes nothing. Shipped in this jar as {@code supabase/migrations/*.sql}.
 *
 * <p>Usage: {@code System.out.print(SupabaseSql.all());} (what {@code billing-server supabase-sql} prints, for the
 * Supabase SQL editor or {@code psql})
 */
public final class SupabaseSql {
    /** The scripts, in the order they are applied. */
    static final List<String> NAMES = List.of(
            "001_customer_mapping.sql",
            "002_webhook_events.sql",
            "003_projections.sql",
            "004_usage.sql",
            "005_security.sql",
            "006_memberships.sql",
            "007_export_indexes.sql",
            "008_erasure.sql",
            "009_guest_purchases.sql",
            "010_analytics.sql",
            "011_audit.sql",
            "012_refunds.sql",
            "013_notice_log.sql",
            "014_invoice_tax.sql",
            "015_invoice_payments.sql",
            "016_migration_copies.sql",
            "017_inbox_lookups.sql",
            "018_inbox_subjects.sql",
            "019_guest_claims_move.sql",
            "020_membership_ids.sql",
            "021_service_keys.sql",
            "022_retention.sql",
            "023_inbox_counts_up_to.sql",
            "024_meter_report_retention.sql",
            "025_audit_list_branches.sql",
            "026_keyset_branches.sql",
            "027_customers_by_email.sql",
            "028_meter_claim_horizon.sql",
            "029_usage_counter_retention.sql",
            "030_past_due_since.sql",
            "031_inbox_requeue_leased.sql",
            "032_detached_payment_method_subjects.sql",
            "033_retired_customer_links.sql",
            "034_past_due_bound_of_older_writes.sql",
            "035_restored_ids_take_turns.sql",
            "036_usage_key_gone_is_taken_again.sql",
            "037_seat_leases.sql",
            "038_refund_entry_taken_over.sql",
            "039_sql_version.sql");

    /**
     * The version of the SQL this build needs: its last script's number, which that script makes
     * {@code billing_sql_version()} return. A project that answers less has not had this build's SQL applied.
     */
    public static final int VERSION =
            Integer.parseInt(NAMES.get(NAMES.size() - 1).substring(0, 3));

    private static final String FOLDER = "/supabase/migrations/";

    private SupabaseSql() {}

    /** One script: its file name and its text. */
    public record Script(String name, String sql) {
        public Script {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sql, "sql");
        }
    }

    /** Every script, in order. */
    public static List<Script> scripts() {
        List<Script> scripts = new ArrayList<>();
        for (String name : NAMES) {
            scripts.add(new Script(name, read(name)));
        }
        return List.copyOf(scripts);
    }

    /** Every script in order as one text, in one transaction ({@code BEGIN; ... COMMIT;}). */
    public static String all() {
        StringBuilder sql = new StringBuilder("-- billing: Supabase SQL (idempotent; run it again after upgrades)\n");
        sql.append("BEGIN;\n\n");
        for (Script script : scripts()) {
            sql.append("-- ==== ").append(script.name()).append(" ====\n").append(script.sql());
            if (!script.sql().endsWith("\n")) {
                sql.append('\n');
            }
            sql.append('\n');
        }
        return sql.append("COMMIT;\n").toString();
    }

    private static String read(String name) {
        try (InputStream in = SupabaseSql.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Missing resource " + FOLDER + name + " in the billing-adapter-supabase jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + FOLDER + name, e);
        }
    }
}
