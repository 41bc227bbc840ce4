package dev.billing.spring;

import java.net.URI;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;

/** Where billing keeps its records: Postgres (the application's DataSource by default) or Supabase. */
public class BillingStoreProperties {
    /** postgres or supabase. */
    private StoreType type = StoreType.POSTGRES;

    private final Postgres postgres = new Postgres();

    private final Supabase supabase = new Supabase();

    void validate(Errors errors) {
        if (type == StoreType.SUPABASE) {
            if (!ClassUtils.isPresent("dev.billing.supabase.SupabaseBillingStores", null)) {
                errors.rejectValue(
                        "store.type",
                        "missing",
                        "supabase needs dev.billing:billing-adapter-supabase on " + "the class path");
            }
            if (supabase.url == null) {
                errors.rejectValue(
                        "store.supabase.url",
                        "required",
                        "is required with billing.store.type=supabase: https://<project>.supabase.co");
            }
            if (supabase.serviceRoleKey == null || supabase.serviceRoleKey.isBlank()) {
                errors.rejectValue(
                        "store.supabase.serviceRoleKey",
                        "required",
                        "is required with billing.store.type=supabase: the project's service_role key");
            }
        }
        if (!postgres.schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            errors.rejectValue(
                    "store.postgres.schema",
                    "invalid",
                    "must be a lowercase identifier (letters, digits, underscores)");
        }
    }

    public StoreType getType() {
        return type;
    }

    public void setType(StoreType type) {
        this.type = type;
    }

    public Postgres getPostgres() {
        return postgres;
    }

    public Supabase getSupabase() {
        return supabase;
    }

    /** The store kinds. */
    public enum StoreType {
        POSTGRES,
        SUPABASE
    }

    /** Postgres: the application's DataSource unless a URL of billing's own is given. */
    public static class Postgres {
        /** A database of billing's own (postgres://user:password@host:5432/db), on a pool of its own; unset: the application's DataSource. */
        private String url;

        /** The schema billing's tables live in (its migrations keep their own history table there). */
        private String schema = "billing";

        /** Apply billing's migrations at start (their own Flyway location and history table). */
        private boolean migrate = true;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getSchema() {
            return schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public boolean isMigrate() {
            return migrate;
        }

        public void setMigrate(boolean migrate) {
            this.migrate = migrate;
        }

        @Override
        public String toString() {
            return "Postgres{url=" + (url == null ? "the application's DataSource" : "set") + ", schema=" + schema
                    + ", migrate=" + migrate + "}";
        }
    }

    /** Supabase: the project URL and its service-role key (add billing-adapter-supabase). */
    public static class Supabase {
        /** The project URL, {@code https://<project>.supabase.co}. */
        private URI url;

        /** The project's service_role key (never the anon key). */
        private String serviceRoleKey;

        public URI getUrl() {
            return url;
        }

        public void setUrl(URI url) {
            this.url = url;
        }

        public String getServiceRoleKey() {
            return serviceRoleKey;
        }

        public void setServiceRoleKey(String serviceRoleKey) {
            this.serviceRoleKey = serviceRoleKey;
        }

        @Override
        public String toString() {
            return "Supabase{url=" + url + ", serviceRoleKey=" + (serviceRoleKey == null ? "unset" : "set") + "}";
        }
    }
}
