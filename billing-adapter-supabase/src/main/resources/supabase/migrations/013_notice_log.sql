-- billing 013: the notice log (NoticeLog): every attempt to send a notice (kind, user, customer, cause event,
-- sent/skipped/failed with the error, the mail's Message-ID, when), appended and never updated but by an erasure
-- (which moves user_id to the account's pseudonym). No email address. New table, read and written over PostgREST.
-- This script comes after 005 and so locks its own table down the same way (RLS without policy, service_role
-- only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_notice_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    text COLLATE "C" NOT NULL,
  kind        text        NOT NULL,
  user_id     text COLLATE "C" NOT NULL,
  customer_id text COLLATE "C",
  status      text        NOT NULL CHECK (status IN ('sent', 'skipped', 'failed')),
  message_id  text,
  error       text CHECK (length(error) <= 1000),
  at          timestamptz NOT NULL
);
-- The admin list by user, a data export and an erasure: one user's rows, newest first.
CREATE INDEX IF NOT EXISTS billing_notice_log_user_idx ON public.billing_notice_log (user_id, id DESC);
-- "Which notices failed?": few rows, so a partial index on the failures only.
CREATE INDEX IF NOT EXISTS billing_notice_log_failed_idx ON public.billing_notice_log (id DESC)
  WHERE status = 'failed';

-- Who may touch it: as 005 does for the other billing tables.
ALTER TABLE public.billing_notice_log ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_notice_log FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_notice_log TO service_role;

NOTIFY pgrst, 'reload schema';
