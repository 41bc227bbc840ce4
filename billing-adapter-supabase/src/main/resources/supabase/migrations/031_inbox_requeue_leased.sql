-- billing 031: an admin's replay requeues an event already leased to itself (EventInbox.requeueLeased), as
-- Postgres's JdbiEventInbox does in one statement. Requeued and then claimed in two calls, a worker polling for due
-- events could take it in between, and the replay answered "pending" for an event it was to process at once.
-- billing_inbox_requeue's rule (not while leased, nor without a payload), the entry left as billing_inbox_claim
-- leaves it: pending, one attempt, leased to p_owner until p_lease_until. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_inbox_requeue_leased(p_event_id text, p_owner text, p_now timestamptz,
                                                               p_lease_until timestamptz)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  UPDATE public.stripe_webhook_events e
     SET status = 'pending', attempts = 1, next_attempt_at = NULL, processed_at = NULL, lease_owner = p_owner,
         lease_expires_at = p_lease_until
   WHERE e.stripe_event_id = p_event_id AND e.payload IS NOT NULL
     AND NOT (e.status = 'pending' AND e.lease_expires_at IS NOT NULL AND e.lease_expires_at > p_now)
  RETURNING e.*
$$;

REVOKE ALL ON FUNCTION public.billing_inbox_requeue_leased
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_inbox_requeue_leased
  TO service_role;

NOTIFY pgrst, 'reload schema';
