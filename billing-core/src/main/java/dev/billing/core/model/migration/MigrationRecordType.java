package dev.billing.core.model.migration;

import java.util.Locale;
import java.util.Optional;

/** The kinds of record {@link dev.billing.core.migration.MigrateStores} copies, in the order it copies them. */
public enum MigrationRecordType {
    CUSTOMER_LINKS,
    SUBSCRIPTIONS,
    INVOICES,
    PURCHASES,
    INBOX_ENTRIES,
    USAGE_COUNTERS,
    USAGE_KEYS,
    METER_REPORTS,
    MEMBERSHIPS,
    GUEST_PURCHASES,
    REFUNDS,
    INVOICE_PAYMENTS,
    AUDIT_ENTRIES,
    NOTICES,
    SERVICE_KEYS;

    /** {@code customer_links}, {@code inbox_entries}, ...: the name in checkpoints and reports. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MigrationRecordType> parse(String wireName) {
        for (MigrationRecordType type : values()) {
            if (type.wireName().equals(wireName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
