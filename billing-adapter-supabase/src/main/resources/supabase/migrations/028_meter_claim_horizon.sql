-- billing 028: the meter-report worker's claim no longer reads past reports Stripe will never take. Stripe takes a
-- meter event only up to 35 days after its timestamp; the worker stops sending a report 35 days and an hour after
-- it (MeterReport.UNBILLABLE_AGE) and leaves it in the outbox. Each claim read the due index from its oldest entry,
-- so every such report was read again on every run of the worker. The claim now starts a week past that age
-- (MeterReport.CLAIM_HORIZON, 42 days and an hour: keep the two equal): a range of billing_meter_reports_due_idx.
-- Same signature, so the grants of 005 stay. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_usage_claim_reports(p_max integer, p_now timestamptz,
                                                              p_lease_until timestamptz)
RETURNS SETOF public.billing_meter_reports
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH due AS (
    SELECT d.identifier
      FROM public.billing_meter_reports d
     WHERE d.reported_at IS NULL
       AND d.event_timestamp >= p_now - interval '42 days 1 hour'
       AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= p_now)
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

NOTIFY pgrst, 'reload schema';
