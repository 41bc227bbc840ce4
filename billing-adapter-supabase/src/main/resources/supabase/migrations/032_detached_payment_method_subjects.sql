-- billing 032: a detached payment method's event is about the customer it had (StripeEventReader.subjectOf), as
-- Postgres's V28. payment_method.detached names its customer only in data.previous_attributes.customer, so 018 and
-- the adapter before this made such an event about the payment method itself: the account's export missed it and its
-- erasure left it, billing details (name, email, address, phone) and all. billing_inbox_subject_of reads that
-- customer after the object's own; the entries already stored get it, and an entry whose account was erased since
-- (its link carries the pseudonym erased_...) is redacted as billing_inbox_redact_subjects would have. Idempotent.

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
    WHEN jsonb_typeof(p_payload #> '{data,previous_attributes,customer}') = 'string'
         AND p_payload #>> '{data,previous_attributes,customer}' <> ''
      THEN p_payload #>> '{data,previous_attributes,customer}'
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

UPDATE public.stripe_webhook_events e
   SET subject_id = s.subject
  FROM (SELECT d.stripe_event_id, public.billing_inbox_subject_of(d.event_type, d.payload, d.object_id) AS subject
          FROM public.stripe_webhook_events d
         WHERE d.event_type = 'payment_method.detached' AND d.subject_id IS NOT DISTINCT FROM d.object_id
           AND d.payload IS NOT NULL AND NOT d.payload @> '{"billing_redacted": true}'::jsonb) AS s
 WHERE e.stripe_event_id = s.stripe_event_id AND s.subject IS NOT NULL AND s.subject IS DISTINCT FROM e.subject_id;

UPDATE public.stripe_webhook_events e
   SET payload = jsonb_build_object('id', e.stripe_event_id, 'type', e.event_type, 'billing_redacted', true),
       subject_id = NULL, last_error = NULL,
       object_id = CASE WHEN e.object_id = e.subject_id THEN NULL ELSE e.object_id END
 WHERE e.event_type = 'payment_method.detached'
   AND e.subject_id IN (SELECT m.stripe_customer_id FROM public.stripe_customer_mapping m
                         WHERE m.clerk_user_id LIKE 'erased\_%')
   AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb;

-- CREATE OR REPLACE keeps 018's grants (service_role only).
