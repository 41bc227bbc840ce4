package dev.billing.core.model.usage;

/** What an increment did. Consume with {@code instanceof}. */
public sealed interface UsageResult
        permits UsageResult.Accepted, UsageResult.QuotaExceeded, UsageResult.Replayed, UsageResult.KeyReused {

    /** Counted: {@code used} is the total for the period after this increment. */
    record Accepted(long used, long limit) implements UsageResult {
        public long remaining() {
            return Math.max(0, limit - used);
        }
    }

    /** Not counted: the increment would pass the limit. Nothing was stored, the key stays unused. */
    record QuotaExceeded(long used, long limit, long requested) implements UsageResult {
        public long remaining() {
            return Math.max(0, limit - used);
        }
    }

    /** The key was already used for the same request: its first answer, counted once. */
    record Replayed(Accepted original) implements UsageResult {}

    /** The key was already used for a different request body; nothing counted. */
    record KeyReused() implements UsageResult {}
}
