-- billing 018: whom each inbox entry is about, for erasures and exports (EventInbox.redact, EventInbox.about).
--
-- 007/008 found an account's events by object_id among the ids of its customer, subscriptions, invoices and
-- purchases, and missed every event whose object is none of those but still carries the person: a subscription's
-- checkout.session.completed (customer_details.email), payment_intent.*, charge.*, setup_intent.*,
-- payment_method.* (billing_details), and Clerk's organizationMembership.* (public_user_data: identifier, names,
-- image). subject_id is written with the row from StripeEvent.subjectId, read when the delivery is verified: for
-- Stripe a customer object's own id, else the first of the customer, the invoice (an invoice payment's) and the
-- payment intent (a refund's) the object names, else the object itself (a product, a coupon); for Clerk the user
-- the event names (public_user_data.user_id, user_id, or the object's own id). A redaction clears it with the payload, the last error
-- and an object id that names the subject itself.
--
-- What it costs the webhook path: one more short column per row, and no more index entries than before: the partial
-- index stripe_webhook_events_subject_idx replaces stripe_webhook_events_object_idx (007), which only the lookups
-- it replaces read. Rows already stored get their subject from their payload (billing_inbox_subject_of, the
-- adapters' rules); the old backend's rows (no payload) stay about nobody. On a large table the UPDATE and the index
-- build hold writes for a while: apply it in a quiet moment, or run the backfill and create the index beforehand
-- (docs/SUPABASE.md). Idempotent.

ALTER TABLE public.stripe_webhook_events ADD COLUMN IF NOT EXISTS subject_id text;

CREATE OR REPLACE FUNCTION public.billing_inbox_subject_of(p_type text, p_payload jsonb, p_object_id text)
RETURNS text
LANGUAGE sql IMMUTABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT CASE
    WHEN p_payload IS NULL THEN NULL
    WHEN p_type LIKE 'clerk.%' THEN coalesce(
      CASE WHEN jsonb_typeof(p_payload #> '{data,public_user_data,user_id}') = 'string'
           THEN nullif(p_payload #>> '{data,public_user_data,user_id}', '') END,
      CASE WHEN jsonb_typeof(p_payload #> '{data,user_id}') = 'string' THEN nullif(p_payload #>> '{data,user_id}', '') END,
      CASE WHEN jsonb_typeof(p_payload #> '{data,id}') = 'string' THEN nullif(p_payload #>> '{data,id}', '') END)
    WHEN p_payload #>> '{data,object,object}' = 'customer' THEN p_object_id
    WHEN jsonb_typeof(p_payload #> '{data,object,customer}') = 'string' AND p_payload #>> '{data,object,customer}' <> ''
      THEN p_payload #>> '{data,object,customer}'
    WHEN jsonb_typeof(p_payload #> '{data,object,customer,id}') = 'string' AND p_payload #>> '{data,object,customer,id}' <> ''
      THEN p_payload #>> '{data,object,customer,id}'
    WHEN jsonb_typeof(p_payload #> '{data,object,invoice}') = 'string' AND p_payload #>> '{data,object,invoice}' <> ''
      THEN p_payload #>> '{data,object,invoice}'
    WHEN jsonb_typeof(p_payload #> '{data,object,invoice,id}') = 'string' AND p_payload #>> '{data,object,invoice,id}' <> ''
      THEN p_payload #>> '{data,object,invoice,id}'
    WHEN jsonb_typeof(p_payload #> '{data,object,payment_intent}') = 'string' AND p_payload #>> '{data,object,payment_intent}' <> ''
      THEN p_payload #>> '{data,object,payment_intent}'
    WHEN jsonb_typeof(p_payload #> '{data,object,payment_intent,id}') = 'string' AND p_payload #>> '{data,object,payment_intent,id}' <> ''
      THEN p_payload #>> '{data,object,payment_intent,id}'
    ELSE p_object_id
  END
$$;

-- Redacted entries stay about nobody.
UPDATE public.stripe_webhook_events e
   SET subject_id = s.subject
  FROM (SELECT d.stripe_event_id, public.billing_inbox_subject_of(d.event_type, d.payload, d.object_id) AS subject
          FROM public.stripe_webhook_events d
         WHERE d.subject_id IS NULL AND d.payload IS NOT NULL
           AND NOT d.payload @> '{"billing_redacted": true}'::jsonb) AS s
 WHERE e.stripe_event_id = s.stripe_event_id AND s.subject IS NOT NULL;

-- about and redact: subject_id = ANY(...), then the account's few entries sorted newest received first.
CREATE INDEX IF NOT EXISTS stripe_webhook_events_subject_idx
  ON public.stripe_webhook_events (subject_id) WHERE subject_id IS NOT NULL;
DROP INDEX IF EXISTS public.stripe_webhook_events_object_idx;

-- Entries about any of p_subjects, newest received first (then by event id), after a (received_at, event id) keyset
-- cursor: billing_inbox_list's order and cursor. Replaces 007's billing_inbox_about (by object id), dropped below
-- (new names, since 007 and 008 run again before this script whenever the SQL is applied again).
CREATE OR REPLACE FUNCTION public.billing_inbox_about_subjects(p_subjects text[], p_after_received timestamptz,
                                                      p_after_event_id text, p_limit integer)
RETURNS SETOF public.stripe_webhook_events
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT e.*
    FROM public.stripe_webhook_events e
   WHERE e.subject_id = ANY (p_subjects)
     AND e.stripe_event_id IS NOT NULL
     AND (p_after_received IS NULL OR e.received_at < p_after_received
          OR (e.received_at = p_after_received AND e.stripe_event_id > p_after_event_id))
   ORDER BY e.received_at DESC, e.stripe_event_id
   LIMIT p_limit
$$;

-- The events about any of p_subjects keep their id, type, status, attempts and times: the payload becomes
-- EventInbox.redactedPayload as jsonb, and the subject, the last error and an object id naming the subject itself
-- (a customer, a Clerk user) are cleared. A worker holding one still completes it. How many were redacted now.
-- Replaces 008's billing_inbox_redact (by object id).
CREATE OR REPLACE FUNCTION public.billing_inbox_redact_subjects(p_subjects text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_redacted integer;
BEGIN
  UPDATE public.stripe_webhook_events e
     SET payload = jsonb_build_object('id', e.stripe_event_id, 'type', e.event_type, 'billing_redacted', true),
         subject_id = NULL, last_error = NULL,
         object_id = CASE WHEN e.object_id = e.subject_id THEN NULL ELSE e.object_id END
   WHERE e.subject_id = ANY (p_subjects)
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
     SET payload = jsonb_build_object('id', e.stripe_event_id, 'type', e.event_type, 'billing_redacted', true),
         subject_id = NULL, last_error = NULL,
         object_id = CASE WHEN e.object_id = e.subject_id THEN NULL ELSE e.object_id END
   WHERE e.stripe_event_id = p_event_id
     AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb;
  RETURN FOUND;
END
$$;

-- A copy's entry (MigrateStores) with its subject: 002's function with subject_id in the insert, the update and the
-- comparison.
CREATE OR REPLACE FUNCTION public.billing_inbox_restore(p_entry jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.stripe_webhook_events AS t (stripe_event_id, event_type, event_created, livemode, api_version,
         object_id, object_type, payload, status, attempts, last_error, received_at, next_attempt_at, lease_owner,
         lease_expires_at, processed_at, notified_at, subject_id)
  SELECT r.stripe_event_id, r.event_type, r.event_created, r.livemode, r.api_version, r.object_id, r.object_type,
         r.payload, r.status, r.attempts, r.last_error, r.received_at, r.next_attempt_at, r.lease_owner,
         r.lease_expires_at, r.processed_at, r.notified_at, r.subject_id
    FROM jsonb_populate_record(NULL::public.stripe_webhook_events, p_entry) AS r
  ON CONFLICT (stripe_event_id) DO UPDATE
     SET event_type = EXCLUDED.event_type, event_created = EXCLUDED.event_created, livemode = EXCLUDED.livemode,
         api_version = EXCLUDED.api_version, object_id = EXCLUDED.object_id, object_type = EXCLUDED.object_type,
         payload = EXCLUDED.payload, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
         last_error = EXCLUDED.last_error, received_at = EXCLUDED.received_at,
         next_attempt_at = EXCLUDED.next_attempt_at, lease_owner = EXCLUDED.lease_owner,
         lease_expires_at = EXCLUDED.lease_expires_at, processed_at = EXCLUDED.processed_at,
         notified_at = EXCLUDED.notified_at, subject_id = EXCLUDED.subject_id
   WHERE (t.event_type, t.event_created, t.livemode, t.api_version, t.object_id, t.object_type, t.payload, t.status,
          t.attempts, t.last_error, t.received_at, t.next_attempt_at, t.lease_owner, t.lease_expires_at,
          t.processed_at, t.notified_at, t.subject_id)
         IS DISTINCT FROM
         (EXCLUDED.event_type, EXCLUDED.event_created, EXCLUDED.livemode, EXCLUDED.api_version, EXCLUDED.object_id,
          EXCLUDED.object_type, EXCLUDED.payload, EXCLUDED.status, EXCLUDED.attempts, EXCLUDED.last_error,
          EXCLUDED.received_at, EXCLUDED.next_attempt_at, EXCLUDED.lease_owner, EXCLUDED.lease_expires_at,
          EXCLUDED.processed_at, EXCLUDED.notified_at, EXCLUDED.subject_id);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

DROP FUNCTION IF EXISTS public.billing_inbox_about(text[], timestamptz, text, integer);
DROP FUNCTION IF EXISTS public.billing_inbox_redact(text[]);

-- Who may call the new ones: as 005 does for the other billing functions (CREATE OR REPLACE keeps the grants of
-- billing_inbox_redact_event and billing_inbox_restore).
REVOKE ALL ON FUNCTION public.billing_inbox_subject_of, public.billing_inbox_about_subjects,
                       public.billing_inbox_redact_subjects
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_inbox_subject_of, public.billing_inbox_about_subjects,
                          public.billing_inbox_redact_subjects
  TO service_role;

-- One account.erased entry per pseudonym, whatever the cause: every erasure records it, so a later event that names
-- an erased account (Clerk's, about a member) is recognised even when the account had nothing stored to erase.
-- Repeated entries of older erasures keep the oldest.
DELETE FROM public.billing_audit_log a
 USING public.billing_audit_log b
 WHERE a.explicit AND b.explicit
   AND a.entity = 'account' AND a.action = 'erased' AND b.entity = 'account' AND b.action = 'erased'
   AND a.entity_id = b.entity_id AND a.id > b.id;
DO $$
BEGIN
  IF to_regclass('public.billing_audit_log_account_erased_key') IS NULL THEN
    CREATE UNIQUE INDEX billing_audit_log_account_erased_key ON public.billing_audit_log (entity_id)
      WHERE explicit AND entity = 'account' AND action = 'erased';
  END IF;
END
$$;

NOTIFY pgrst, 'reload schema';
