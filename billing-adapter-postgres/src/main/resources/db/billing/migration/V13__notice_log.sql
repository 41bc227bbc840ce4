-- The notice log (NoticeLog): every attempt to send a notice, appended, never updated but by an erasure (which
-- moves user_id to the account's pseudonym). No email address: the user id names who got it.
-- IF NOT EXISTS: applying it again (a lost history row) changes nothing.
CREATE TABLE IF NOT EXISTS notice_log (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    event_id    text COLLATE "C" NOT NULL,
    kind        text             NOT NULL,
    user_id     text COLLATE "C" NOT NULL,
    customer_id text COLLATE "C",
    status      text             NOT NULL CHECK (status IN ('sent', 'skipped', 'failed')),
    message_id  text,
    error       text CHECK (length(error) <= 1000),
    at          timestamptz      NOT NULL,
    CONSTRAINT notice_log_pkey PRIMARY KEY (id)
);
-- The admin list by user (and a data export, an erasure): one user's rows, newest first.
CREATE INDEX IF NOT EXISTS notice_log_user_idx ON notice_log (user_id, id DESC);
-- "Which notices failed?": few rows, so a partial index on the failures only.
CREATE INDEX IF NOT EXISTS notice_log_failed_idx ON notice_log (id DESC) WHERE status = 'failed';
