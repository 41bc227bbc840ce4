-- billing 019: a claimed guest purchase is moved, not copied; a refund's creation is audited once per refund. The
-- Postgres store's V20 does the same.
--
-- A guest's paid Checkout is recorded as a purchase under the customer Stripe made for the guest. Until now a claim
-- recorded a second purchase '<session>_claimed' under the claimer's customer, without the payment intent: analytics
-- counted the sale twice, the trail had two purchase.recorded, and the purchase's refunds never showed for the
-- claimer. billing_guests_claim_into claims and moves the one row to the claimer's customer in one statement; the
-- trigger below audits the move once as purchase.claimed, with the cause the request carries (X-Billing-Cause). The
-- copies already made are repaired here: the original moves to the claimer's customer, the copy goes, and the copy's
-- purchase.recorded entry becomes the original's purchase.claimed (same time and cause), so the trail holds one
-- recorded and one claimed entry per claimed purchase. The repair runs before the trigger is (re)created, and finds
-- nothing to do when run again.
--
-- A customer's refunds include those of its purchases' payment intents (Stripe names the guest's customer on a
-- claimed purchase's refunds): billing_refunds_payment_intent_idx finds them.
--
-- POST /admin/refunds retried with the same Idempotency-Key (a new request id) got Stripe's same refund back and
-- recorded refund.created a second time, since explicit entries were once per cause. A refund's creation is now once
-- per refund: the duplicates are removed (the oldest stays) and billing_audit_log_refund_created_key keeps it so;
-- billing_audit_record gives way on either key.
--
-- Comes after 009, 011 and 016 and locks its function down as they do. Idempotent.

WITH copies AS (
  SELECT c.id AS copy_id, o.id AS original_id, c.customer_id AS claimer, o.customer_id AS guest
    FROM public.billing_guest_purchases g
    JOIN public.billing_purchases c ON c.id = g.session_id || '_claimed'
    JOIN public.billing_purchases o ON o.id = g.session_id
   WHERE g.claimed_by IS NOT NULL
), moved AS (
  UPDATE public.billing_purchases p SET customer_id = c.claimer
    FROM copies c
   WHERE p.id = c.original_id AND p.customer_id <> c.claimer
  RETURNING p.id
), relabelled AS (
  UPDATE public.billing_audit_log a
     SET action = 'claimed', entity_id = c.original_id,
         detail = a.detail || jsonb_build_object('old_customer_id', c.guest)
    FROM copies c
   WHERE a.entity = 'purchase' AND a.action = 'recorded' AND a.entity_id = c.copy_id
  RETURNING a.id
)
DELETE FROM public.billing_purchases p USING copies c WHERE p.id = c.copy_id;

CREATE OR REPLACE FUNCTION public.billing_audit_purchase_claimed()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
  VALUES ('purchase', NEW.id, 'claimed', NEW.customer_id, public.billing_audit_cause(),
          jsonb_build_object('old_customer_id', OLD.customer_id, 'price_id', NEW.price_id,
                             'quantity', NEW.quantity::text, 'amount_total', NEW.amount_total::text,
                             'currency', NEW.currency));
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS billing_audit_purchase_claim ON public.billing_purchases;
CREATE TRIGGER billing_audit_purchase_claim
  AFTER UPDATE ON public.billing_purchases
  FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id
    AND public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_purchase_claimed();

CREATE INDEX IF NOT EXISTS billing_refunds_payment_intent_idx ON public.billing_refunds (payment_intent_id)
  WHERE payment_intent_id IS NOT NULL;

-- billing_guests_claim (009), and in the same statement the purchases the user then holds move to p_customer_id
-- (those already there are left alone, so a retry moves and audits nothing more). Every CTE runs to completion
-- whether or not the SELECT reads it; racing claimers wait on each other's row locks, and only the one that gets a
-- purchase moves it.
CREATE OR REPLACE FUNCTION public.billing_guests_claim_into(p_email text, p_user_id text, p_customer_id text,
                                                            p_at timestamptz)
RETURNS SETOF public.billing_guest_purchases
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH taken AS (
    UPDATE public.billing_guest_purchases g
       SET claimed_by = p_user_id, claimed_at = p_at
     WHERE g.email = p_email AND g.claimed_by IS NULL
    RETURNING g.*
  ), held AS (
    SELECT t.* FROM taken t
    UNION ALL
    SELECT g.* FROM public.billing_guest_purchases g WHERE g.email = p_email AND g.claimed_by = p_user_id
  ), moved AS (
    UPDATE public.billing_purchases p SET customer_id = p_customer_id
      FROM held h
     WHERE p.id = h.session_id AND p.customer_id <> p_customer_id
    RETURNING p.id
  )
  SELECT h.* FROM held h
$$;

DELETE FROM public.billing_audit_log a
 USING public.billing_audit_log b
 WHERE a.explicit AND b.explicit
   AND a.entity = 'refund' AND a.action = 'created' AND b.entity = 'refund' AND b.action = 'created'
   AND a.entity_id = b.entity_id AND a.id > b.id;
DO $$
BEGIN
  IF to_regclass('public.billing_audit_log_refund_created_key') IS NULL THEN
    CREATE UNIQUE INDEX billing_audit_log_refund_created_key ON public.billing_audit_log (entity_id)
      WHERE explicit AND entity = 'refund' AND action = 'created';
  END IF;
END
$$;

-- An explicit entry, unless one with its entity, action, entity id and cause exists, or for a refund's creation one
-- of that refund. True when recorded now.
CREATE OR REPLACE FUNCTION public.billing_audit_record(p_entity text, p_entity_id text, p_action text,
                                                       p_user_id text, p_customer_id text, p_cause text,
                                                       p_detail jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_recorded integer;
BEGIN
  INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause, detail, explicit)
  VALUES (p_entity, p_entity_id, p_action, p_user_id, p_customer_id, p_cause, coalesce(p_detail, '{}'::jsonb), true)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_recorded = ROW_COUNT;
  RETURN v_recorded = 1;
END
$$;

-- billing_audit_record keeps 011's grants (CREATE OR REPLACE does not change them).
REVOKE ALL ON FUNCTION public.billing_audit_purchase_claimed, public.billing_guests_claim_into
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_audit_purchase_claimed, public.billing_guests_claim_into
  TO service_role;

NOTIFY pgrst, 'reload schema';
