-- The inbox and the meter-report outbox are queues: every row is inserted, updated when claimed and again when
-- done, so they gather dead row versions fast, and the claim query walks the pending index past every dead entry
-- until they are vacuumed. Postgres' default (vacuum once 20% of the table is dead) lets a table of millions of
-- events collect hundreds of thousands first; on a renewal day that turns each claim into a long scan. Vacuum and
-- analyze these two after a fixed, small number of changes instead.
ALTER TABLE webhook_inbox SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0.0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_analyze_scale_factor = 0.0,
    autovacuum_analyze_threshold = 5000
);
ALTER TABLE meter_reports SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0.0,
    autovacuum_analyze_threshold = 5000
);
