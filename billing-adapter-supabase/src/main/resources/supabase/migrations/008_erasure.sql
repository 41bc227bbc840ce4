-- billing 008: personal data erasure (ErasePersonalData): an erased account's rows move to its pseudonym
-- (erased_...), and the stored webhook events about its Stripe objects keep only their id and type. One function
-- per store, each one transaction. No new table. This script comes after 005 and so locks its functions down the
-- same way (service_role only). Idempotent.

-- The user's customer link moves to the pseudonym and loses its email; the customer stays on the row, so its unique
-- index keeps it taken (a late webhook cannot link it to the account again). True when the user had a link; a row
-- of the old backend without a customer is not a link, but it names the user and moves too.
CREATE OR REPLACE FUNCTION public.billing_customer_pseudonymise(p_user_id text, p_pseudonym text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_linked boolean;
BEGIN
  IF p_user_id = p_pseudonym THEN
    RETURN false;
  END IF;
  UPDATE public.stripe_customer_mapping m
     SET clerk_user_id = p_pseudonym, email = NULL
   WHERE m.clerk_user_id = p_user_id
  RETURNING m.stripe_customer_id IS NOT NULL INTO v_linked;
  RETURN coalesce(v_linked, false);
END
$$;

-- The customer's subscriptions whose metadata names the user name the pseudonym instead: only that key changes
-- (jsonb_set), the version stays, so a newer snapshot from Stripe still applies over it. How many changed.
CREATE OR REPLACE FUNCTION public.billing_subscriptions_pseudonymise(p_customer_id text, p_user_id text,
                                                                     p_pseudonym text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_changed integer;
BEGIN
  IF p_user_id = p_pseudonym THEN
    RETURN 0;
  END IF;
  UPDATE public.billing_subscriptions s
     SET metadata = jsonb_set(s.metadata, '{user_id}', to_jsonb(p_pseudonym)), updated_at = now()
   WHERE s.customer_id = p_customer_id AND s.metadata ->> 'user_id' = p_user_id;
  GET DIAGNOSTICS v_changed = ROW_COUNT;
  RETURN v_changed;
END
$$;

-- The user's idempotency keys and usage counters move to the pseudonym together (a retried increment under the
-- pseudonym finds its key and replays), keys first as an increment locks them. Moved as delete-and-insert rather
-- than an UPDATE of the key, so that rows the pseudonym already has (an account erased again after it came back
-- in the same period) merge instead of failing the erasure: a counter adds up, a key the pseudonym already holds
-- keeps its first answer. How many of the user's rows moved.
CREATE OR REPLACE FUNCTION public.billing_usage_pseudonymise(p_user_id text, p_pseudonym text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_keys     integer;
  v_counters integer;
BEGIN
  IF p_user_id = p_pseudonym THEN
    RETURN 0;
  END IF;
  WITH gone AS (
    DELETE FROM public.billing_usage_keys k WHERE k.user_id = p_user_id RETURNING k.*
  ), moved AS (
    INSERT INTO public.billing_usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount,
                                           used_after, usage_limit, created_at)
    SELECT p_pseudonym, g.idempotency_key, g.meter, g.period_start, g.fingerprint, g.amount, g.used_after,
           g.usage_limit, g.created_at
      FROM gone g
    ON CONFLICT (user_id, idempotency_key) DO NOTHING
  )
  SELECT count(*) INTO v_keys FROM gone;

  WITH gone AS (
    DELETE FROM public.billing_usage_counters c WHERE c.user_id = p_user_id RETURNING c.*
  ), moved AS (
    INSERT INTO public.billing_usage_counters AS c (user_id, meter, period_start, period_end, used, updated_at)
    SELECT p_pseudonym, g.meter, g.period_start, g.period_end, g.used, g.updated_at
      FROM gone g
    ON CONFLICT (user_id, meter, period_start) DO UPDATE
       SET used = c.used + EXCLUDED.used, updated_at = greatest(c.updated_at, EXCLUDED.updated_at)
  )
  SELECT count(*) INTO v_counters FROM gone;
  RETURN v_keys + v_counters;
END
$$;

-- The user's membership records move to the pseudonym; where the pseudonym already has a record in the
-- organization, the one that supersedes stays (billing_members_apply's rule). How many of the user's records moved.
CREATE OR REPLACE FUNCTION public.billing_members_pseudonymise(p_user_id text, p_pseudonym text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_moved integer;
BEGIN
  IF p_user_id = p_pseudonym THEN
    RETURN 0;
  END IF;
  WITH gone AS (
    DELETE FROM public.billing_org_members o WHERE o.user_id = p_user_id RETURNING o.*
  ), moved AS (
    INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id)
    SELECT g.org_id, p_pseudonym, g.role, g.active, g.changed_at, g.event_id
      FROM gone g
    ON CONFLICT (org_id, user_id) DO UPDATE
       SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
           event_id = EXCLUDED.event_id
     WHERE EXCLUDED.changed_at > m.changed_at
        OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active)
  )
  SELECT count(*) INTO v_moved FROM gone;
  RETURN v_moved;
END
$$;

-- The events about any of p_object_ids (018 replaces this function by billing_inbox_redact_subjects) keep only their id and
-- type: the payload becomes EventInbox.redactedPayload as jsonb, {"id": .., "type": .., "billing_redacted": true};
-- status, lease, attempts and times stay, so a worker holding one still completes it. Events already redacted, and
-- the old backend's rows (no payload: nothing to redact), are left alone. How many were redacted now. The ids come
-- as an array in the POST body: a customer's hundreds of invoices cannot make a URL too long.
CREATE OR REPLACE FUNCTION public.billing_inbox_redact(p_object_ids text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_redacted integer;
BEGIN
  UPDATE public.stripe_webhook_events e
     SET payload = jsonb_build_object('id', e.stripe_event_id, 'type', e.event_type, 'billing_redacted', true)
   WHERE e.object_id = ANY (p_object_ids)
     AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb;
  GET DIAGNOSTICS v_redacted = ROW_COUNT;
  RETURN v_redacted;
END
$$;

-- The same for one event by id (a later event of an erased account); true when it was redacted now.
CREATE OR REPLACE FUNCTION public.billing_inbox_redact_event(p_event_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  UPDATE public.stripe_webhook_events e
     SET payload = jsonb_build_object('id', e.stripe_event_id, 'type', e.event_type, 'billing_redacted', true)
   WHERE e.stripe_event_id = p_event_id
     AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb;
  RETURN FOUND;
END
$$;

-- Who may call them: as 005 does for the other billing functions.
REVOKE ALL ON FUNCTION public.billing_customer_pseudonymise, public.billing_subscriptions_pseudonymise,
                       public.billing_usage_pseudonymise, public.billing_members_pseudonymise,
                       public.billing_inbox_redact, public.billing_inbox_redact_event
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_customer_pseudonymise, public.billing_subscriptions_pseudonymise,
                          public.billing_usage_pseudonymise, public.billing_members_pseudonymise,
                          public.billing_inbox_redact, public.billing_inbox_redact_event
  TO service_role;

NOTIFY pgrst, 'reload schema';
