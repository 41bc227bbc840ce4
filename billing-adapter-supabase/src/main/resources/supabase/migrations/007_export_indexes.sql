-- billing 007: what the reads of a personal data export need to find one user's rows without reading a table:
-- EventInbox.about (the inbox entries about a user's Stripe objects) and MembershipStore.ofUser. The third,
-- UsageLedger.countersOf, needs nothing: billing_usage_counters' primary key (user_id, meter, period_start) starts
-- with the user. Idempotent.
--
-- A plain CREATE INDEX: the billing SQL runs as one transaction, where CONCURRENTLY is refused. It reads the table
-- once and blocks writes to it (not reads) until it is built. billing_org_members is small; on a large
-- stripe_webhook_events the build takes seconds per million rows while webhook deliveries wait (Stripe retries one
-- that times out). Apply it in a quiet moment, or create that index beforehand without blocking writes
-- (docs/SUPABASE.md): IF NOT EXISTS then leaves it as it is.

-- about: 018 looks entries up by subject_id instead, through stripe_webhook_events_subject_idx, and drops the
-- object_id index this script created until then; it is no longer created here, so applying the SQL again does not
-- build it only for 018 to drop it.
-- ofUser: one user's memberships, in organization order.
CREATE INDEX IF NOT EXISTS billing_org_members_user_idx ON public.billing_org_members (user_id, org_id);

-- Entries about any of p_object_ids, newest received first (then by event id), after a (received_at, event id)
-- keyset cursor: billing_inbox_list's order and cursor, so both list ties the same way. A function rather than a GET
-- with object_id=in.(...): the ids travel in the POST body, where hundreds of them (a customer's invoices) cannot
-- make a URL longer than Supabase's gateway accepts.
CREATE OR REPLACE FUNCTION public.billing_inbox_about(p_object_ids text[], p_after_received timestamptz,
                                                      p_after_event_id text, p_limit integer)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT e.*
    FROM public.stripe_webhook_events e
   WHERE e.object_id = ANY (p_object_ids)
     AND e.stripe_event_id IS NOT NULL
     AND (p_after_received IS NULL OR e.received_at < p_after_received
          OR (e.received_at = p_after_received AND e.stripe_event_id > p_after_event_id))
   ORDER BY e.received_at DESC, e.stripe_event_id
   LIMIT p_limit
$$;

-- Who may call it: as 005 does for the other billing functions.
REVOKE ALL ON FUNCTION public.billing_inbox_about
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_inbox_about
  TO service_role;

NOTIFY pgrst, 'reload schema';
