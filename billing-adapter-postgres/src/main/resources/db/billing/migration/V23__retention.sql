-- Retention (docs/OPERATIONS.md, "Retention"): the passes delete usage idempotency keys first used before a cut-off,
-- a batch at a time, and read them along this index instead of scanning the table (JdbiRetention). It costs each
-- accepted increment with a key one more index entry. Handled inbox events are found along
-- webhook_inbox_status_received_idx, and notice rows by their primary key, so neither needs a new index.
--
-- On a large usage_keys table create the index beforehand with CONCURRENTLY (docs/POSTGRES.md, "Migrations"); IF NOT
-- EXISTS then finds it. Every statement may run again (MigrationsIT replays the latest migration).
CREATE INDEX IF NOT EXISTS usage_keys_created_idx ON usage_keys (created_at);
