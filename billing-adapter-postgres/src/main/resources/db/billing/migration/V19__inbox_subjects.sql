-- Whom each inbox entry is about, for erasures and exports (EventInbox.redact, EventInbox.about).
--
-- Before, they found an account's events by object_id among the ids of its customer, subscriptions, invoices and
-- purchases, and missed every event whose object is none of those but still carries the person: a subscription's
-- checkout.session.completed (customer_details.email), payment_intent.*, charge.*, setup_intent.*,
-- payment_method.* (billing_details), and Clerk's organizationMembership.* (public_user_data: identifier, names,
-- image). subject_id is written with the row from StripeEvent.subjectId, read when the delivery is verified: for
-- Stripe a customer object's own id, else the first of the customer, the invoice (an invoice payment's) and the
-- payment intent (a refund's) the object names, else the object itself (a product, a coupon); for Clerk the user
-- the event names (public_user_data.user_id, user_id, or the object's own id). An erasure clears it with the
-- payload.
--
-- What it costs the webhook path: one more short column per row, and no more index entries than before: the new
-- partial index replaces webhook_inbox_object_idx (V7), which only the object_id lookups it replaces read.
--
-- Rows already stored get their subject from their payload, by inbox_subject_of (the same rules as the Stripe and
-- Clerk adapters; a payload that holds the escape \u0000, which jsonb refuses, is read without it). That UPDATE writes
-- a new version of every row it changes (not of the payloads, which stay where they are in TOAST) and holds those
-- rows until it commits: retries of old pending events wait for it, new deliveries do not. On a large inbox run the
-- batched backfill of docs/POSTGRES.md ("Migrations") beforehand: this UPDATE then only finds the rows received
-- since. The index is built after it, blocking inserts while it reads the table once (Flyway's transaction refuses
-- CONCURRENTLY; create it beforehand as docs/POSTGRES.md shows and IF NOT EXISTS finds it).
--
-- Every statement may run again (MigrationsIT replays the latest migration) and changes nothing the second time.

ALTER TABLE webhook_inbox ADD COLUMN IF NOT EXISTS subject_id text COLLATE "C";

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
    FOREACH v_field IN ARRAY ARRAY['customer', 'invoice', 'payment_intent'] LOOP
        v_owner := v_data -> 'object' -> v_field;
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

-- Redacted entries stay about nobody.
UPDATE webhook_inbox AS i
SET subject_id = s.subject
FROM (SELECT event_id, inbox_subject_of(event_type, payload, object_id) AS subject
      FROM webhook_inbox
      WHERE subject_id IS NULL
        AND strpos(payload, '"billing_redacted":true') = 0
        AND strpos(payload, '"billing_redacted": true') = 0) AS s
WHERE i.event_id = s.event_id AND s.subject IS NOT NULL;

-- about(subjects) and redact(subjects): subject_id = ANY(...), then the account's few entries sorted newest received
-- first. Partial: redacted entries (no subject) are never looked up.
CREATE INDEX IF NOT EXISTS webhook_inbox_subject_idx ON webhook_inbox (subject_id) WHERE subject_id IS NOT NULL;
DROP INDEX IF EXISTS webhook_inbox_object_idx;

-- One account.erased entry per pseudonym, whatever the cause (AuditAction.oncePerEntity): every erasure records it,
-- so a later event that names an erased account (Clerk's, about a member) is recognised even when the account had
-- nothing stored to erase. Repeated entries of older erasures (an interrupted one, retried) keep the oldest.
DELETE FROM audit_log a
USING audit_log b
WHERE a.explicit AND b.explicit
  AND a.entity = 'account' AND a.action = 'erased' AND b.entity = 'account' AND b.action = 'erased'
  AND a.entity_id = b.entity_id AND a.id > b.id;
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_account_erased_key ON audit_log (entity_id)
    WHERE explicit AND entity = 'account' AND action = 'erased';
