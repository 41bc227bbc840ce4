package dev.billing.core.model;

/**
 * The outcome of a watermark-guarded upsert (DESIGN §4.3): a row is written only when its version is strictly
 * newer than the stored one.
 */
public enum UpsertResult {
    /** Inserted, or the stored version was older: the row now holds the given object. */
    APPLIED,
    /** The stored version equals the given one: nothing changed. A snapshot tie the caller may break by re-fetching. */
    SAME_VERSION,
    /** The stored version is newer: nothing changed. */
    STALE
}
