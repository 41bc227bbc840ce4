-- Retention of meter reports (docs/OPERATIONS.md, "Retention"): the passes delete reports Stripe accepted before a
-- cut-off, a batch at a time, and read them along this index instead of scanning the table (JdbiRetention). Reports
-- not yet accepted are not in it: they are still to be billed, and retention never deletes them. Marking a report
-- sent already rewrites its row and its pending index entry, so this costs it one more index entry.
--
-- On a large meter_reports table create the index beforehand with CONCURRENTLY (docs/POSTGRES.md, "Migrations"); IF
-- NOT EXISTS then finds it. Every statement may run again (MigrationsIT replays the latest migration).
CREATE INDEX IF NOT EXISTS meter_reports_reported_idx ON meter_reports (reported_at) WHERE reported_at IS NOT NULL;
