package dev.billing.supabase;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;

/**
 * A fresh database prepared like a Supabase project, the billing SQL applied, real PostgREST in front, and the
 * Supabase stores on it. One per test class.
 *
 * <p>Usage: {@code project = SupabaseProject.start("inbox"); ... project.close();}
 */
final class SupabaseProject implements AutoCloseable {
    private final TestDatabase database;
    private final SupabaseFixture supabase;
    private final BillingStores stores;

    private SupabaseProject(TestDatabase database, SupabaseFixture supabase) {
        this.database = database;
        this.supabase = supabase;
        this.stores = SupabaseBillingStores.create(supabase.url(), supabase.serviceRoleKey());
    }

    /** A project with the billing SQL applied before PostgREST starts. */
    static SupabaseProject start(String prefix) {
        return start(prefix, SupabaseSql.all());
    }

    /** A project with these scripts applied before PostgREST starts (e.g. a legacy schema, or nothing). */
    static SupabaseProject start(String prefix, String... schemaSql) {
        TestDatabase database = PostgresFixture.shared().newDatabase(prefix);
        try {
            return new SupabaseProject(
                    database,
                    SupabaseFixture.builder(database).schemaSql(schemaSql).start());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    BillingStores stores() {
        return stores;
    }

    SupabaseFixture supabase() {
        return supabase;
    }

    TestDatabase database() {
        return database;
    }

    @Override
    public void close() {
        try {
            stores.close();
            supabase.close();
        } finally {
            database.close();
        }
    }
}
