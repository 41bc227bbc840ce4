-- billing 024: retention of meter reports (docs/OPERATIONS.md, "Retention"). One function deleting one batch of
-- reports Stripe accepted before a cut-off in one statement and answering how many, along the new
-- billing_meter_reports_reported_idx; reports not yet accepted are not in that index and are never deleted (they are
-- still to be billed). SKIP LOCKED leaves a row a writer holds to the next pass. service_role only, as 005 locks the
-- others down. Idempotent.

CREATE INDEX IF NOT EXISTS billing_meter_reports_reported_idx
  ON public.billing_meter_reports (reported_at) WHERE reported_at IS NOT NULL;

CREATE OR REPLACE FUNCTION public.billing_usage_prune_reports(p_before timestamptz, p_max integer)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM public.billing_meter_reports WHERE identifier IN (
      SELECT identifier FROM public.billing_meter_reports
       WHERE reported_at < p_before
       LIMIT p_max FOR UPDATE SKIP LOCKED)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

REVOKE ALL ON FUNCTION public.billing_usage_prune_reports
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_usage_prune_reports
  TO service_role;

NOTIFY pgrst, 'reload schema';
