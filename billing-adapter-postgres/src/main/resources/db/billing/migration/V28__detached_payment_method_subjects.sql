-- A detached payment method's event is about the customer it had (StripeEventReader.subjectOf).
--
-- payment_method.detached names no customer in its object any more (customer is null), only in
-- data.previous_attributes.customer, so V19 and the adapter before this made such an event about the payment method
-- itself: the account's export did not hold it, and its erasure did not redact it, though its billing details (name,
-- email, address, phone) are the person's. inbox_subject_of now reads that customer after the object's own, and the
-- entries already stored get it: one pass over the inbox's payment_method.detached rows (their type is a column, so
-- only those payloads are read). An entry whose customer's account was erased since (its link carries the pseudonym,
-- UserId.PSEUDONYM_PREFIX) is redacted as that erasure would have redacted it (JdbiEventInbox's REDACTED).
--
-- Every statement may run again (MigrationsIT replays the latest migration) and changes nothing the second time.

CREATE OR REPLACE FUNCTION inbox_subject_of(p_type text, p_payload text, p_object_id text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_data  jsonb;
    v_owner jsonb;
    v_field text;
BEGIN
    BEGIN
        v_data := p_payload::jsonb -> 'data';
    EXCEPTION WHEN others THEN
        BEGIN
            -- jsonb refuses the escape \u0000, which the text payload may hold (V4): read it without.
            v_data := replace(p_payload, '\u0000', '')::jsonb -> 'data';
        EXCEPTION WHEN others THEN
            RETURN p_object_id;
        END;
    END;
    IF p_type LIKE 'clerk.%' THEN
        RETURN coalesce(
            CASE WHEN jsonb_typeof(v_data #> '{public_user_data,user_id}') = 'string'
                 THEN nullif(v_data #>> '{public_user_data,user_id}', '') END,
            CASE WHEN jsonb_typeof(v_data -> 'user_id') = 'string' THEN nullif(v_data ->> 'user_id', '') END,
            CASE WHEN jsonb_typeof(v_data -> 'id') = 'string' THEN nullif(v_data ->> 'id', '') END);
    END IF;
    IF v_data #>> '{object,object}' = 'customer' THEN
        RETURN p_object_id;
    END IF;
    FOREACH v_field IN ARRAY ARRAY['customer', 'previous customer', 'invoice', 'payment_intent'] LOOP
        v_owner := CASE WHEN v_field = 'previous customer' THEN v_data #> '{previous_attributes,customer}'
                        ELSE v_data -> 'object' -> v_field END;
        IF jsonb_typeof(v_owner) = 'object' THEN
            v_owner := v_owner -> 'id';
        END IF;
        IF jsonb_typeof(v_owner) = 'string' AND v_owner #>> '{}' <> '' THEN
            RETURN v_owner #>> '{}';
        END IF;
    END LOOP;
    RETURN p_object_id;
END;
$$;

UPDATE webhook_inbox AS i
SET subject_id = s.subject
FROM (SELECT event_id, inbox_subject_of(event_type, payload, object_id) AS subject
      FROM webhook_inbox
      WHERE event_type = 'payment_method.detached'
        AND subject_id IS NOT DISTINCT FROM object_id
        AND strpos(payload, '"billing_redacted":true') = 0
        AND strpos(payload, '"billing_redacted": true') = 0) AS s
WHERE i.event_id = s.event_id AND s.subject IS NOT NULL AND s.subject IS DISTINCT FROM i.subject_id;

UPDATE webhook_inbox
SET payload = '{"id":' || to_json(event_id)::text || ',"type":' || to_json(event_type)::text
        || ',"billing_redacted":true}',
    subject_id = NULL, last_error = NULL,
    object_id = CASE WHEN object_id = subject_id THEN NULL ELSE object_id END
WHERE event_type = 'payment_method.detached'
  AND subject_id IN (SELECT customer_id FROM customers WHERE user_id LIKE 'erased\_%')
  AND strpos(payload, '"billing_redacted":true') = 0
  AND strpos(payload, '"billing_redacted": true') = 0;
