-- billing 023: inbox counts bounded by a cap (docs/HTTP_API.md, the admin list's counts; docs/OPERATIONS.md, the
-- inbox gauges). billing_inbox_counts (002) reads every row, seconds on an inbox of millions, on every admin list:
-- this one reads at most p_rows rows of each asked status (the cap and one more, to tell "exactly the cap" from
-- "more") along stripe_webhook_events_status_received_idx and counts them; a NULL p_rows reads them all (the exact
-- pending and failed backlogs the gauges report). Each branch names its status as a literal, so the planner sees how
-- rare pending and failed rows are; a branch whose status was not asked for is never run (its one-time filter is
-- false). service_role only, as 005 locks the others down. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_inbox_count_up_to(p_statuses text[], p_rows bigint)
RETURNS TABLE (status text, entries bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT 'pending'::text, (SELECT count(*) FROM (SELECT 1 FROM public.stripe_webhook_events e
                                                  WHERE e.status = 'pending' AND e.stripe_event_id IS NOT NULL
                                                  LIMIT p_rows) up_to)
   WHERE 'pending' = ANY(p_statuses)
  UNION ALL
  SELECT 'processed'::text, (SELECT count(*) FROM (SELECT 1 FROM public.stripe_webhook_events e
                                                    WHERE e.status = 'processed' AND e.stripe_event_id IS NOT NULL
                                                    LIMIT p_rows) up_to)
   WHERE 'processed' = ANY(p_statuses)
  UNION ALL
  SELECT 'ignored'::text, (SELECT count(*) FROM (SELECT 1 FROM public.stripe_webhook_events e
                                                  WHERE e.status = 'ignored' AND e.stripe_event_id IS NOT NULL
                                                  LIMIT p_rows) up_to)
   WHERE 'ignored' = ANY(p_statuses)
  UNION ALL
  SELECT 'failed'::text, (SELECT count(*) FROM (SELECT 1 FROM public.stripe_webhook_events e
                                                 WHERE e.status = 'failed' AND e.stripe_event_id IS NOT NULL
                                                 LIMIT p_rows) up_to)
   WHERE 'failed' = ANY(p_statuses)
$$;

REVOKE ALL ON FUNCTION public.billing_inbox_count_up_to
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_inbox_count_up_to
  TO service_role;

NOTIFY pgrst, 'reload schema';
