-- A short record of which customers' projection changed, read by every instance on this database so that it
-- drops the entitlements it cached for them (ProjectionChanges). Rows are appended in batches and deleted after
-- ten minutes; nothing depends on them for correctness (cached answers expire anyway). IF NOT EXISTS: applying
-- it again (a lost history row) changes nothing.
CREATE TABLE IF NOT EXISTS projection_changes (
    position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin      text             NOT NULL,
    customer_id text COLLATE "C" NOT NULL,
    changed_at  timestamptz      NOT NULL
);
CREATE INDEX IF NOT EXISTS projection_changes_changed_at_idx ON projection_changes (changed_at);
