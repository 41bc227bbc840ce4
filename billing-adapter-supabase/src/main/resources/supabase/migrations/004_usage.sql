-- billing 004: usage counters, idempotency keys and the meter-report outbox (DESIGN §4.4). New tables.
-- Idempotent.

-- How much of a meter a user used in one period.
CREATE TABLE IF NOT EXISTS public.billing_usage_counters (
  user_id      text COLLATE "C" NOT NULL,
  meter        text COLLATE "C" NOT NULL,
  period_start timestamptz      NOT NULL,
  period_end   timestamptz      NOT NULL,
  used         bigint           NOT NULL CHECK (used >= 0),
  updated_at   timestamptz      NOT NULL,
  PRIMARY KEY (user_id, meter, period_start)
);

-- A used idempotency key and the answer it got, so that a retry replays it.
CREATE TABLE IF NOT EXISTS public.billing_usage_keys (
  user_id         text COLLATE "C" NOT NULL,
  idempotency_key text COLLATE "C" NOT NULL,
  meter           text             NOT NULL,
  period_start    timestamptz      NOT NULL,
  fingerprint     text             NOT NULL,
  amount          bigint           NOT NULL,
  used_after      bigint           NOT NULL,
  usage_limit     bigint           NOT NULL,
  created_at      timestamptz      NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);

-- Accepted usage still to be reported to Stripe Billing Meters (written with the increment that accepted it).
CREATE TABLE IF NOT EXISTS public.billing_meter_reports (
  identifier      text COLLATE "C" PRIMARY KEY,
  event_name      text        NOT NULL,
  customer_id     text        NOT NULL,
  value           bigint      NOT NULL CHECK (value > 0),
  event_timestamp timestamptz NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text,
  next_attempt_at timestamptz,
  reported_at     timestamptz
);
CREATE INDEX IF NOT EXISTS billing_meter_reports_due_idx
  ON public.billing_meter_reports (event_timestamp, identifier) WHERE reported_at IS NULL;

-- One atomic "add p_amount to (user, meter, period) unless that passes p_limit", idempotent by (user, key), with the
-- meter report enqueued in the same transaction. Returns {"outcome": "accepted"|"replayed"|"key_reused"|
-- "quota_exceeded", "used", "limit", "requested"}.
--  1. The key is taken first (an insert): a concurrent request with the same key waits here until this one ends,
--     then replays its answer.
--  2. The counter is added to by one conditional upsert: racing increments of one counter queue on its row lock
--     and each re-checks the limit against the latest total, so the sum never passes the limit.
--  3. A refused increment gives its key back (deleted in the same transaction): the same request may succeed after
--     an upgrade.
CREATE OR REPLACE FUNCTION public.billing_usage_increment(p_user_id text, p_meter text, p_period_start timestamptz,
                                                          p_period_end timestamptz, p_amount bigint, p_limit bigint,
                                                          p_idempotency_key text, p_fingerprint text,
                                                          p_at timestamptz, p_report jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  existing public.billing_usage_keys;
  total    bigint;
BEGIN
  IF p_amount IS NULL OR p_amount < 1 OR p_limit IS NULL OR p_limit < 0 THEN
    RAISE EXCEPTION 'billing: amount must be at least 1 and limit not negative' USING ERRCODE = '22023';
  END IF;

  INSERT INTO public.billing_usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount,
                                         used_after, usage_limit, created_at)
  VALUES (p_user_id, p_idempotency_key, p_meter, p_period_start, p_fingerprint, p_amount, 0, p_limit, p_at)
  ON CONFLICT (user_id, idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    SELECT * INTO existing FROM public.billing_usage_keys k
     WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
    IF existing.fingerprint = p_fingerprint THEN
      RETURN jsonb_build_object('outcome', 'replayed', 'used', existing.used_after, 'limit', existing.usage_limit);
    END IF;
    RETURN jsonb_build_object('outcome', 'key_reused');
  END IF;

  INSERT INTO public.billing_usage_counters AS c (user_id, meter, period_start, period_end, used, updated_at)
  SELECT p_user_id, p_meter, p_period_start, p_period_end, p_amount, p_at
   WHERE p_amount <= p_limit
  ON CONFLICT (user_id, meter, period_start) DO UPDATE
     SET used = c.used + excluded.used, updated_at = excluded.updated_at
   WHERE c.used <= p_limit - excluded.used
  RETURNING c.used INTO total;

  IF total IS NULL THEN
    DELETE FROM public.billing_usage_keys k WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
    SELECT c.used INTO total FROM public.billing_usage_counters c
     WHERE c.user_id = p_user_id AND c.meter = p_meter AND c.period_start = p_period_start;
    RETURN jsonb_build_object('outcome', 'quota_exceeded', 'used', coalesce(total, 0), 'limit', p_limit,
                              'requested', p_amount);
  END IF;

  UPDATE public.billing_usage_keys k SET used_after = total
   WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
  IF p_report IS NOT NULL AND jsonb_typeof(p_report) = 'object' THEN
    INSERT INTO public.billing_meter_reports (identifier, event_name, customer_id, value, event_timestamp)
    VALUES (p_report ->> 'identifier', p_report ->> 'event_name', p_report ->> 'customer_id',
            (p_report ->> 'value')::bigint, (p_report ->> 'event_timestamp')::timestamptz)
    ON CONFLICT (identifier) DO NOTHING;
  END IF;
  RETURN jsonb_build_object('outcome', 'accepted', 'used', total, 'limit', p_limit);
END
$$;

-- Reports due now, oldest first, leased until p_lease_until (due again after it unless marked), counting an
-- attempt. Racing drains skip each other's rows.
CREATE OR REPLACE FUNCTION public.billing_usage_claim_reports(p_max integer, p_now timestamptz,
                                                              p_lease_until timestamptz)
RETURNS SETOF public.billing_meter_reports
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH due AS (
    SELECT d.identifier
      FROM public.billing_meter_reports d
     WHERE d.reported_at IS NULL AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= p_now)
     ORDER BY d.event_timestamp, d.identifier
     LIMIT p_max
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE public.billing_meter_reports r
       SET attempts = r.attempts + 1, next_attempt_at = p_lease_until
      FROM due
     WHERE r.identifier = due.identifier
    RETURNING r.*
  )
  SELECT * FROM claimed ORDER BY event_timestamp, identifier
$$;

-- Counters after a (user, meter, period start) keyset cursor, in that order.
CREATE OR REPLACE FUNCTION public.billing_usage_list_counters(p_after_user text, p_after_meter text,
                                                              p_after_period_start timestamptz, p_limit integer)
RETURNS SETOF public.billing_usage_counters
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT c.*
    FROM public.billing_usage_counters c
   WHERE p_after_user IS NULL
      OR (c.user_id, c.meter, c.period_start) > (p_after_user, p_after_meter, p_after_period_start)
   ORDER BY c.user_id, c.meter, c.period_start
   LIMIT p_limit
$$;

-- Keys after a (user, key) keyset cursor, in that order.
CREATE OR REPLACE FUNCTION public.billing_usage_list_keys(p_after_user text, p_after_key text, p_limit integer)
RETURNS SETOF public.billing_usage_keys
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT k.*
    FROM public.billing_usage_keys k
   WHERE p_after_user IS NULL OR (k.user_id, k.idempotency_key) > (p_after_user, p_after_key)
   ORDER BY k.user_id, k.idempotency_key
   LIMIT p_limit
$$;

-- Writes a counter exactly as given (a migration): inserts it, or replaces the stored count of the same user, meter
-- and period when it differs (the source's count wins while the source is the writer). True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_usage_restore_counter(p_counter jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_usage_counters AS t (user_id, meter, period_start, period_end, used, updated_at)
  SELECT r.user_id, r.meter, r.period_start, r.period_end, r.used, r.updated_at
    FROM jsonb_populate_record(NULL::public.billing_usage_counters, p_counter) AS r
  ON CONFLICT (user_id, meter, period_start) DO UPDATE
     SET period_end = EXCLUDED.period_end, used = EXCLUDED.used, updated_at = EXCLUDED.updated_at
   WHERE (t.period_end, t.used, t.updated_at) IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.used, EXCLUDED.updated_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- The same for a meter report (its attempts and whether Stripe accepted it change after it was copied).
CREATE OR REPLACE FUNCTION public.billing_usage_restore_report(p_report jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_meter_reports AS t (identifier, event_name, customer_id, value, event_timestamp,
         attempts, last_error, next_attempt_at, reported_at)
  SELECT r.identifier, r.event_name, r.customer_id, r.value, r.event_timestamp, r.attempts, r.last_error,
         r.next_attempt_at, r.reported_at
    FROM jsonb_populate_record(NULL::public.billing_meter_reports, p_report) AS r
  ON CONFLICT (identifier) DO UPDATE
     SET event_name = EXCLUDED.event_name, customer_id = EXCLUDED.customer_id, value = EXCLUDED.value,
         event_timestamp = EXCLUDED.event_timestamp, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
         next_attempt_at = EXCLUDED.next_attempt_at, reported_at = EXCLUDED.reported_at
   WHERE (t.event_name, t.customer_id, t.value, t.event_timestamp, t.attempts, t.last_error, t.next_attempt_at,
          t.reported_at)
         IS DISTINCT FROM
         (EXCLUDED.event_name, EXCLUDED.customer_id, EXCLUDED.value, EXCLUDED.event_timestamp, EXCLUDED.attempts,
          EXCLUDED.last_error, EXCLUDED.next_attempt_at, EXCLUDED.reported_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;
