-- billing 022: retention (docs/OPERATIONS.md, "Retention"). Three functions, each deleting one batch in one
-- statement and answering how many (PostgREST's DELETE would answer the rows, and cannot limit them): handled
-- webhook events received before a cut-off (along stripe_webhook_events_status_received_idx), usage idempotency
-- keys first used before it (along the new billing_usage_keys_created_idx), and the oldest notice rows attempted
-- before it (the first ids of the primary key: the log is appended in time order). SKIP LOCKED leaves a row a writer
-- holds to the next pass. service_role only, as 005 locks the others down. Idempotent.

CREATE INDEX IF NOT EXISTS billing_usage_keys_created_idx ON public.billing_usage_keys (created_at);

CREATE OR REPLACE FUNCTION public.billing_inbox_prune(p_before timestamptz, p_max integer)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM public.stripe_webhook_events WHERE stripe_event_id IN (
      SELECT stripe_event_id FROM public.stripe_webhook_events
       WHERE status IN ('processed', 'ignored') AND received_at < p_before
       LIMIT p_max FOR UPDATE SKIP LOCKED)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

CREATE OR REPLACE FUNCTION public.billing_usage_prune_keys(p_before timestamptz, p_max integer)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM public.billing_usage_keys WHERE (user_id, idempotency_key) IN (
      SELECT user_id, idempotency_key FROM public.billing_usage_keys
       WHERE created_at < p_before
       LIMIT p_max FOR UPDATE SKIP LOCKED)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

CREATE OR REPLACE FUNCTION public.billing_notices_prune(p_before timestamptz, p_max integer)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM public.billing_notice_log WHERE id IN (
      SELECT id FROM (SELECT id, at FROM public.billing_notice_log ORDER BY id LIMIT p_max) oldest
       WHERE at < p_before)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

REVOKE ALL ON FUNCTION public.billing_inbox_prune, public.billing_usage_prune_keys, public.billing_notices_prune
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_inbox_prune, public.billing_usage_prune_keys, public.billing_notices_prune
  TO service_role;

NOTIFY pgrst, 'reload schema';
