-- billing 026: the keyset listings read from their cursor, along their index, whatever the arguments.
--
-- A function with its own search_path is not inlined, so Postgres plans its body once for any arguments. The
-- listings below filtered with "p_after IS NULL OR <after the cursor>" (and the inbox's "p_status IS NULL OR
-- status = p_status"): the plan for any arguments could not start its index scan at the cursor or at the status,
-- so every page read the index from its first entry, and a page of failed events read the whole inbox (on a
-- million links, the last pages of billing_list_customer_links took 95 ms, the first 0.3). Each case is now a branch
-- of its own, switched off by its arguments (a condition on the arguments alone is checked once, before the branch
-- reads anything); the pages are the same as before. Same signatures, so the grants of 005 and 006 hold. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_list_customer_links(p_after_user text, p_limit integer)
RETURNS SETOF public.stripe_customer_mapping
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT l.* FROM (
    (SELECT m.* FROM public.stripe_customer_mapping m
      WHERE p_after_user IS NULL AND m.clerk_user_id IS NOT NULL AND m.stripe_customer_id IS NOT NULL
      ORDER BY m.clerk_user_id COLLATE "C" LIMIT p_limit)
    UNION ALL
    (SELECT m.* FROM public.stripe_customer_mapping m
      WHERE m.clerk_user_id COLLATE "C" > p_after_user COLLATE "C" AND m.stripe_customer_id IS NOT NULL
      ORDER BY m.clerk_user_id COLLATE "C" LIMIT p_limit)
  ) l
  ORDER BY l.clerk_user_id COLLATE "C"
  LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION public.billing_inbox_list(p_status text, p_after_received timestamptz,
                                                     p_after_event_id text, p_limit integer)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT l.* FROM (
    (SELECT e.* FROM public.stripe_webhook_events e
      WHERE p_status IS NULL AND p_after_received IS NULL AND e.stripe_event_id IS NOT NULL
      ORDER BY e.received_at DESC, e.stripe_event_id LIMIT p_limit)
    UNION ALL
    (SELECT e.* FROM public.stripe_webhook_events e
      WHERE p_status IS NULL AND e.received_at <= p_after_received AND e.stripe_event_id IS NOT NULL
        AND (e.received_at < p_after_received OR e.stripe_event_id > p_after_event_id)
      ORDER BY e.received_at DESC, e.stripe_event_id LIMIT p_limit)
    UNION ALL
    (SELECT e.* FROM public.stripe_webhook_events e
      WHERE e.status = p_status AND p_after_received IS NULL AND e.stripe_event_id IS NOT NULL
      ORDER BY e.received_at DESC, e.stripe_event_id LIMIT p_limit)
    UNION ALL
    (SELECT e.* FROM public.stripe_webhook_events e
      WHERE e.status = p_status AND e.received_at <= p_after_received AND e.stripe_event_id IS NOT NULL
        AND (e.received_at < p_after_received OR e.stripe_event_id > p_after_event_id)
      ORDER BY e.received_at DESC, e.stripe_event_id LIMIT p_limit)
  ) l
  ORDER BY l.received_at DESC, l.stripe_event_id
  LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION public.billing_usage_list_counters(p_after_user text, p_after_meter text,
                                                              p_after_period_start timestamptz, p_limit integer)
RETURNS SETOF public.billing_usage_counters
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT l.* FROM (
    (SELECT c.* FROM public.billing_usage_counters c
      WHERE p_after_user IS NULL
      ORDER BY c.user_id, c.meter, c.period_start LIMIT p_limit)
    UNION ALL
    (SELECT c.* FROM public.billing_usage_counters c
      WHERE (c.user_id, c.meter, c.period_start) > (p_after_user, p_after_meter, p_after_period_start)
      ORDER BY c.user_id, c.meter, c.period_start LIMIT p_limit)
  ) l
  ORDER BY l.user_id, l.meter, l.period_start
  LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION public.billing_usage_list_keys(p_after_user text, p_after_key text, p_limit integer)
RETURNS SETOF public.billing_usage_keys
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT l.* FROM (
    (SELECT k.* FROM public.billing_usage_keys k
      WHERE p_after_user IS NULL
      ORDER BY k.user_id, k.idempotency_key LIMIT p_limit)
    UNION ALL
    (SELECT k.* FROM public.billing_usage_keys k
      WHERE (k.user_id, k.idempotency_key) > (p_after_user, p_after_key)
      ORDER BY k.user_id, k.idempotency_key LIMIT p_limit)
  ) l
  ORDER BY l.user_id, l.idempotency_key
  LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION public.billing_members_list(p_after_org text, p_after_user text, p_limit integer)
RETURNS SETOF public.billing_org_members
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT l.* FROM (
    (SELECT m.* FROM public.billing_org_members m
      WHERE p_after_org IS NULL
      ORDER BY m.org_id, m.user_id LIMIT p_limit)
    UNION ALL
    (SELECT m.* FROM public.billing_org_members m
      WHERE (m.org_id, m.user_id) > (p_after_org, p_after_user)
      ORDER BY m.org_id, m.user_id LIMIT p_limit)
  ) l
  ORDER BY l.org_id, l.user_id
  LIMIT p_limit
$$;

NOTIFY pgrst, 'reload schema';
