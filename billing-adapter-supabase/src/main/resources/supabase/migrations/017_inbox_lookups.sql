-- billing 017: the inbox functions that find one event by id (claim, complete, fail) spell their pending test in the
-- "C" collation (the same equality for text). With 002's own spelling the planner may prove it implies the partial
-- index stripe_webhook_events_due_idx (WHERE status = 'pending'): in the steady state that index counts no live
-- entry, looks free to scan, and a lookup by id then reads every pending and dead entry in it instead of probing the
-- event id's unique index. Bodies otherwise as in 002; CREATE OR REPLACE keeps 005's grants. Idempotent.

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
     AND e.status COLLATE "C" = 'pending' AND e.payload IS NOT NULL
     AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= p_now)
     AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= p_now)
  RETURNING e.*
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
   WHERE e.stripe_event_id = p_event_id AND e.status COLLATE "C" = 'pending' AND e.lease_owner = p_owner;
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
   WHERE e.stripe_event_id = p_event_id AND e.status COLLATE "C" = 'pending' AND e.lease_owner = p_owner;
  RETURN FOUND;
END
$$;
