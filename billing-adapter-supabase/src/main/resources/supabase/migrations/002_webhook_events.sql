-- billing 002: the webhook inbox (DESIGN §4.2): record once, claim under a lease, complete or fail.
--
-- The table keeps the name and columns the earlier Node backend created (stripe_event_id, event_type,
-- processed_at); this script adds what the inbox needs. A row the old backend wrote has only those three columns:
-- it reads as a PROCESSED event (the status column's default, which also covers rows the old backend may still
-- insert while both run), received when it was processed, without a payload. Rows without a payload are never
-- claimed or requeued (there is nothing to process). Idempotent.

CREATE TABLE IF NOT EXISTS public.stripe_webhook_events (
  stripe_event_id text        PRIMARY KEY,
  event_type      text        NOT NULL,
  processed_at    timestamptz,
  received_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS stripe_event_id text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS event_type text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS processed_at timestamptz;
-- The event as Stripe signed it (jsonb: keys reordered and whitespace normalised, the JSON value is the same).
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS payload jsonb;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS event_created timestamptz;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS livemode boolean NOT NULL DEFAULT false;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS api_version text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS object_id text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS object_type text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'processed';
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS last_error text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS received_at timestamptz;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS lease_owner text;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz;
ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS notified_at timestamptz;

-- Old rows were received when they were processed (or, lacking even that, now).
UPDATE public.stripe_webhook_events SET received_at = coalesce(processed_at, now()) WHERE received_at IS NULL;
ALTER TABLE public.stripe_webhook_events ALTER COLUMN received_at SET DEFAULT now();
ALTER TABLE public.stripe_webhook_events ALTER COLUMN received_at SET NOT NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                  WHERE conrelid = 'public.stripe_webhook_events'::regclass
                    AND conname = 'stripe_webhook_events_status_check') THEN
    ALTER TABLE public.stripe_webhook_events ADD CONSTRAINT stripe_webhook_events_status_check
      CHECK (status IN ('pending', 'processed', 'ignored', 'failed'));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                  WHERE conrelid = 'public.stripe_webhook_events'::regclass
                    AND conname = 'stripe_webhook_events_attempts_check') THEN
    ALTER TABLE public.stripe_webhook_events ADD CONSTRAINT stripe_webhook_events_attempts_check
      CHECK (attempts >= 0);
  END IF;

  -- One row per event id. Without a unique index the old backend may have stored an event twice: the copies are
  -- the same event, so one is kept (the one with a payload, else a processed one, else the first).
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = 'public.stripe_webhook_events'::regclass AND i.indisunique
                    AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = 1
                    AND a.attname = 'stripe_event_id') THEN
    DELETE FROM public.stripe_webhook_events
     WHERE ctid IN (SELECT ranked.ctid
                      FROM (SELECT e.ctid, row_number() OVER (PARTITION BY e.stripe_event_id
                                                              ORDER BY e.payload IS NULL, e.processed_at IS NULL,
                                                                       e.processed_at, e.ctid) AS n
                              FROM public.stripe_webhook_events e
                             WHERE e.stripe_event_id IS NOT NULL) ranked
                     WHERE ranked.n > 1);
    CREATE UNIQUE INDEX stripe_webhook_events_stripe_event_id_key
      ON public.stripe_webhook_events (stripe_event_id);
  END IF;
END
$$;

CREATE INDEX IF NOT EXISTS stripe_webhook_events_due_idx
  ON public.stripe_webhook_events (event_created, stripe_event_id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS stripe_webhook_events_received_idx
  ON public.stripe_webhook_events (received_at DESC, stripe_event_id);
CREATE INDEX IF NOT EXISTS stripe_webhook_events_status_received_idx
  ON public.stripe_webhook_events (status, received_at DESC, stripe_event_id);

-- Claims one event if it is claimable now: pending, with a payload, due, not leased. Exactly one of racing
-- claimers wins: the UPDATE re-checks its conditions on the row it locked.
CREATE OR REPLACE FUNCTION public.billing_inbox_claim(p_event_id text, p_owner text, p_now timestamptz,
                                                      p_lease_until timestamptz)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  UPDATE public.stripe_webhook_events e
     SET lease_owner = p_owner, lease_expires_at = p_lease_until, attempts = e.attempts + 1, processed_at = NULL
   WHERE e.stripe_event_id = p_event_id
     AND e.status = 'pending' AND e.payload IS NOT NULL
     AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= p_now)
     AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= p_now)
  RETURNING e.*
$$;

-- Claims up to p_max claimable events, oldest event first. Racing workers skip each other's rows
-- (FOR UPDATE SKIP LOCKED), so no event goes to two of them.
CREATE OR REPLACE FUNCTION public.billing_inbox_claim_due(p_max integer, p_owner text, p_now timestamptz,
                                                          p_lease_until timestamptz)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH due AS (
    SELECT d.stripe_event_id
      FROM public.stripe_webhook_events d
     WHERE d.status = 'pending' AND d.payload IS NOT NULL
       AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= p_now)
       AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= p_now)
     ORDER BY d.event_created, d.stripe_event_id
     LIMIT p_max
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE public.stripe_webhook_events e
       SET lease_owner = p_owner, lease_expires_at = p_lease_until, attempts = e.attempts + 1, processed_at = NULL
      FROM due
     WHERE e.stripe_event_id = due.stripe_event_id
    RETURNING e.*
  )
  SELECT * FROM claimed ORDER BY event_created, stripe_event_id
$$;

-- Marks a leased event done; only its current lease owner may (owner fencing).
CREATE OR REPLACE FUNCTION public.billing_inbox_complete(p_event_id text, p_owner text, p_status text,
                                                         p_now timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('processed', 'ignored') THEN
    RAISE EXCEPTION 'billing: an event is completed as processed or ignored, not %', p_status
      USING ERRCODE = '22023';
  END IF;
  UPDATE public.stripe_webhook_events e
     SET status = p_status, processed_at = p_now, next_attempt_at = NULL, lease_owner = NULL,
         lease_expires_at = NULL
   WHERE e.stripe_event_id = p_event_id AND e.status = 'pending' AND e.lease_owner = p_owner;
  RETURN FOUND;
END
$$;

-- Records a failed attempt of a leased event (owner fencing): due again at p_next_attempt_at, or parked as
-- failed when it is null.
CREATE OR REPLACE FUNCTION public.billing_inbox_fail(p_event_id text, p_owner text, p_error text,
                                                     p_next_attempt_at timestamptz, p_now timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  UPDATE public.stripe_webhook_events e
     SET status = CASE WHEN p_next_attempt_at IS NULL THEN 'failed' ELSE 'pending' END,
         last_error = p_error, next_attempt_at = p_next_attempt_at, processed_at = NULL, lease_owner = NULL,
         lease_expires_at = NULL
   WHERE e.stripe_event_id = p_event_id AND e.status = 'pending' AND e.lease_owner = p_owner;
  RETURN FOUND;
END
$$;

-- Makes an event due again now with zero attempts, whatever its status, unless it is leased right now (or has
-- no payload to process).
CREATE OR REPLACE FUNCTION public.billing_inbox_requeue(p_event_id text, p_now timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  UPDATE public.stripe_webhook_events e
     SET status = 'pending', attempts = 0, next_attempt_at = NULL, processed_at = NULL, lease_owner = NULL,
         lease_expires_at = NULL
   WHERE e.stripe_event_id = p_event_id AND e.payload IS NOT NULL
     AND NOT (e.status = 'pending' AND e.lease_expires_at IS NOT NULL AND e.lease_expires_at > p_now);
  RETURN FOUND;
END
$$;

-- Entries newest received first (then by event id), optionally of one status, after a (received_at, event id)
-- keyset cursor.
CREATE OR REPLACE FUNCTION public.billing_inbox_list(p_status text, p_after_received timestamptz,
                                                     p_after_event_id text, p_limit integer)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT e.*
    FROM public.stripe_webhook_events e
   WHERE e.stripe_event_id IS NOT NULL
     AND (p_status IS NULL OR e.status = p_status)
     AND (p_after_received IS NULL OR e.received_at < p_after_received
          OR (e.received_at = p_after_received AND e.stripe_event_id > p_after_event_id))
   ORDER BY e.received_at DESC, e.stripe_event_id
   LIMIT p_limit
$$;

-- How many entries are in each status, in one call.
CREATE OR REPLACE FUNCTION public.billing_inbox_counts()
RETURNS TABLE (status text, entries bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT e.status, count(*) FROM public.stripe_webhook_events e WHERE e.stripe_event_id IS NOT NULL GROUP BY e.status
$$;

-- Writes an entry exactly as given (a migration): inserts it, or replaces the stored entry of the same id when it
-- differs, so a second copy brings a changed entry up to date. True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_inbox_restore(p_entry jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.stripe_webhook_events AS t (stripe_event_id, event_type, event_created, livemode, api_version,
         object_id, object_type, payload, status, attempts, last_error, received_at, next_attempt_at, lease_owner,
         lease_expires_at, processed_at, notified_at)
  SELECT r.stripe_event_id, r.event_type, r.event_created, r.livemode, r.api_version, r.object_id, r.object_type,
         r.payload, r.status, r.attempts, r.last_error, r.received_at, r.next_attempt_at, r.lease_owner,
         r.lease_expires_at, r.processed_at, r.notified_at
    FROM jsonb_populate_record(NULL::public.stripe_webhook_events, p_entry) AS r
  ON CONFLICT (stripe_event_id) DO UPDATE
     SET event_type = EXCLUDED.event_type, event_created = EXCLUDED.event_created, livemode = EXCLUDED.livemode,
         api_version = EXCLUDED.api_version, object_id = EXCLUDED.object_id, object_type = EXCLUDED.object_type,
         payload = EXCLUDED.payload, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
         last_error = EXCLUDED.last_error, received_at = EXCLUDED.received_at,
         next_attempt_at = EXCLUDED.next_attempt_at, lease_owner = EXCLUDED.lease_owner,
         lease_expires_at = EXCLUDED.lease_expires_at, processed_at = EXCLUDED.processed_at,
         notified_at = EXCLUDED.notified_at
   WHERE (t.event_type, t.event_created, t.livemode, t.api_version, t.object_id, t.object_type, t.payload, t.status,
          t.attempts, t.last_error, t.received_at, t.next_attempt_at, t.lease_owner, t.lease_expires_at,
          t.processed_at, t.notified_at)
         IS DISTINCT FROM
         (EXCLUDED.event_type, EXCLUDED.event_created, EXCLUDED.livemode, EXCLUDED.api_version, EXCLUDED.object_id,
          EXCLUDED.object_type, EXCLUDED.payload, EXCLUDED.status, EXCLUDED.attempts, EXCLUDED.last_error,
          EXCLUDED.received_at, EXCLUDED.next_attempt_at, EXCLUDED.lease_owner, EXCLUDED.lease_expires_at,
          EXCLUDED.processed_at, EXCLUDED.notified_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;
