-- The inbox and the meter-report outbox are queues: every row is inserted, updated when done (and when claimed by
-- the worker), so they gather dead row versions fast, and the claim query walks the pending index past every dead
-- entry until they are vacuumed. Postgres' default (vacuum once 20% of the table is dead, throttled by the cost
-- delay) let 130,000 dead rows pile up behind 50,000 live ones in two minutes of benchmark ingest, and the worker's
-- claims slowed down to a sixth. Vacuum and analyze these two (and their TOAST tables, where the payloads live)
-- after a fixed, small number of changes, without the throttle: a vacuum of a queue table is short.
ALTER TABLE webhook_inbox SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0.0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_analyze_scale_factor = 0.0,
    autovacuum_analyze_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0,
    toast.autovacuum_vacuum_scale_factor = 0.0,
    toast.autovacuum_vacuum_threshold = 5000,
    toast.autovacuum_vacuum_cost_delay = 0
);
ALTER TABLE meter_reports SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0.0,
    autovacuum_analyze_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0
);
