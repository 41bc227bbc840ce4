-- The two queue tables are analyzed from a sample of 3,000 rows instead of 30,000.
--
-- V3 analyzes webhook_inbox and meter_reports after every 5,000 changed rows, whatever their size. ANALYZE samples
-- 300 rows per point of the largest statistics target among a table's columns (100 by default). An inbox row
-- carries its event's payload, so each ANALYZE of the inbox read and copied 30,000 payloads: 240 ms on a
-- 165,000-event inbox, for every 5,000 events ingested, and in the ingest bench the largest single cost in Postgres'
-- CPU after the statements themselves (docs/BENCHMARKS.md, "CPU per event: what ANALYZE cost"). A meter report is
-- inserted and then marked reported, two changes, so an ANALYZE (52-62 ms at 300,000 reports) came every 2,500
-- usage reports. Nothing is queried by the payload, and what the planner needs of the other columns (how many rows
-- are pending; the spread of the timestamps) a target of 10 gives: 13-17 ms and 10-11 ms.
--
-- A column added to either table later needs the same target, or the sample grows back (MigrationsIT checks every
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
ALTER TABLE meter_reports
    ALTER COLUMN identifier SET STATISTICS 10,
    ALTER COLUMN event_name SET STATISTICS 10,
    ALTER COLUMN customer_id SET STATISTICS 10,
    ALTER COLUMN value SET STATISTICS 10,
    ALTER COLUMN event_timestamp SET STATISTICS 10,
    ALTER COLUMN attempts SET STATISTICS 10,
    ALTER COLUMN last_error SET STATISTICS 10,
    ALTER COLUMN next_attempt_at SET STATISTICS 10,
    ALTER COLUMN reported_at SET STATISTICS 10;
