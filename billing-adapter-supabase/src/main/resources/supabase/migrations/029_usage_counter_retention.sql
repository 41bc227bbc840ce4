-- billing 029: retention of usage counters (docs/OPERATIONS.md, "Retention"). One function deleting one batch of
-- counters whose period ended before a cut-off in one statement and answering how many, along 010's
-- billing_usage_counters_period_end_idx. Quotas read only the periods running now; an older counter is history.
-- SKIP LOCKED leaves a row a writer holds to the next pass. service_role only, as 005 locks the others down.
-- Idempotent.

CREATE OR REPLACE FUNCTION public.billing_usage_prune_counters(p_before timestamptz, p_max integer)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM public.billing_usage_counters WHERE (user_id, meter, period_start) IN (
      SELECT user_id, meter, period_start FROM public.billing_usage_counters
       WHERE period_end < p_before
       LIMIT p_max FOR UPDATE SKIP LOCKED)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

REVOKE ALL ON FUNCTION public.billing_usage_prune_counters
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_usage_prune_counters
  TO service_role;

NOTIFY pgrst, 'reload schema';
