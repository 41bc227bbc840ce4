-- The inbox is analyzed from a sample of 3,000 rows instead of 30,000.
--
-- V3 analyzes the inbox after every 5,000 changed rows, whatever its size. ANALYZE samples 300 rows per point of
-- the largest statistics target among the table's columns (100 by default), and an inbox row carries its event's
-- payload, so each ANALYZE read and copied 30,000 payloads: 240 ms on a 165,000-event inbox, an ANALYZE for every
-- 5,000 events ingested, and in the ingest bench the largest single cost in Postgres' CPU after the statements
-- themselves (docs/BENCHMARKS.md, "CPU per event: what ANALYZE cost"). Nothing is queried by the payload, and what
-- the planner needs of the other columns (how many entries are pending, failed or processed; the spread of the
-- timestamps) a target of 10 gives: 15 ms per ANALYZE.
--
-- A column added to the inbox later needs the same target, or the sample grows back (MigrationsIT checks every
-- column). Every statement may run again (MigrationsIT replays the latest migration).
ALTER TABLE webhook_inbox
    ALTER COLUMN event_id SET STATISTICS 10,
    ALTER COLUMN event_type SET STATISTICS 10,
    ALTER COLUMN event_created SET STATISTICS 10,
    ALTER COLUMN livemode SET STATISTICS 10,
    ALTER COLUMN api_version SET STATISTICS 10,
    ALTER COLUMN object_id SET STATISTICS 10,
    ALTER COLUMN object_type SET STATISTICS 10,
    ALTER COLUMN payload SET STATISTICS 10,
    ALTER COLUMN status SET STATISTICS 10,
    ALTER COLUMN attempts SET STATISTICS 10,
    ALTER COLUMN last_error SET STATISTICS 10,
    ALTER COLUMN received_at SET STATISTICS 10,
    ALTER COLUMN next_attempt_at SET STATISTICS 10,
    ALTER COLUMN lease_owner SET STATISTICS 10,
    ALTER COLUMN lease_expires_at SET STATISTICS 10,
    ALTER COLUMN processed_at SET STATISTICS 10,
    ALTER COLUMN notified_at SET STATISTICS 10,
    ALTER COLUMN subject_id SET STATISTICS 10;
