-- billing 011: the audit trail (AuditLog): every change of billing state once, with its cause. Written by triggers
-- in the transaction of the change itself, so a write that changes nothing (a duplicate or stale webhook: the
-- watermark refuses it) records nothing. The cause of a write comes with its request: the billing server sends it
-- in the X-Billing-Cause header (AuditCause.text()), which PostgREST hands to the transaction as
-- request.headers; one request is one write, so each change gets its own. Same actions, details and rules as the
-- Postgres store's V11. What is not a row change (a replay, a reconcile, a refund, an erasure, a failed payment) is
-- recorded by billing_audit_record, once per (entity, action, entity id, cause). 010 is another change's.
-- Comes after 005 and locks its table and functions down the same way (service_role only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity      text        NOT NULL
    CHECK (entity IN ('customer', 'subscription', 'invoice', 'purchase', 'refund', 'event', 'account')),
  entity_id   text        NOT NULL,
  action      text        NOT NULL,
  -- Only on customer links and erasures; pseudonymised with the link.
  user_id     text,
  customer_id text,
  cause       text,
  -- Small facts as text (prices, quantities, statuses, amounts), never metadata or emails.
  detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  explicit    boolean     NOT NULL DEFAULT false,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
DO $$
BEGIN
  IF to_regclass('public.billing_audit_log_explicit_key') IS NULL THEN
    CREATE UNIQUE INDEX billing_audit_log_explicit_key
      ON public.billing_audit_log (entity, action, entity_id, cause) WHERE explicit;
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS billing_audit_log_customer_idx
  ON public.billing_audit_log (customer_id, id) WHERE customer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS billing_audit_log_user_idx
  ON public.billing_audit_log (user_id) WHERE user_id IS NOT NULL;

-- The cause this request's write carries, or NULL (SQL run by hand).
CREATE OR REPLACE FUNCTION public.billing_audit_cause()
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT nullif(current_setting('request.headers', true), '')::json ->> 'x-billing-cause'
$$;

CREATE OR REPLACE FUNCTION public.billing_audit_customer()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  IF NEW.stripe_customer_id IS NULL OR NEW.clerk_user_id IS NULL THEN
    RETURN NULL; -- a row of the earlier backend that links nothing
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.stripe_customer_id, 'linked', NEW.clerk_user_id, NEW.stripe_customer_id,
            public.billing_audit_cause());
  ELSE
    -- Erasure moved the link to a pseudonym: the trail forgets the old id in the same transaction.
    UPDATE public.billing_audit_log SET user_id = NEW.clerk_user_id WHERE user_id = OLD.clerk_user_id;
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.stripe_customer_id, 'pseudonymised', NEW.clerk_user_id, NEW.stripe_customer_id,
            public.billing_audit_cause());
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS billing_audit_link ON public.stripe_customer_mapping;
CREATE TRIGGER billing_audit_link
  AFTER INSERT ON public.stripe_customer_mapping
  FOR EACH ROW EXECUTE FUNCTION public.billing_audit_customer();
DROP TRIGGER IF EXISTS billing_audit_pseudonymise ON public.stripe_customer_mapping;
CREATE TRIGGER billing_audit_pseudonymise
  AFTER UPDATE OF clerk_user_id ON public.stripe_customer_mapping
  FOR EACH ROW WHEN (OLD.clerk_user_id IS DISTINCT FROM NEW.clerk_user_id)
  EXECUTE FUNCTION public.billing_audit_customer();

CREATE OR REPLACE FUNCTION public.billing_audit_subscription()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_cause       text := public.billing_audit_cause();
  was_scheduled boolean;
  scheduled     boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('subscription', NEW.id, 'created', NEW.customer_id, v_cause,
            jsonb_strip_nulls(jsonb_build_object('new_status', NEW.status, 'price_id', NEW.price_id,
                                                 'quantity', NEW.quantity::text)));
    RETURN NULL;
  END IF;
  IF OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('subscription', NEW.id,
            CASE WHEN NEW.status IN ('canceled', 'incomplete_expired') THEN 'canceled' ELSE 'status_changed' END,
            NEW.customer_id, v_cause, jsonb_build_object('old_status', OLD.status, 'new_status', NEW.status));
  END IF;
  IF OLD.price_id IS DISTINCT FROM NEW.price_id THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('subscription', NEW.id, 'plan_changed', NEW.customer_id, v_cause,
            jsonb_strip_nulls(jsonb_build_object('old_price_id', OLD.price_id, 'new_price_id', NEW.price_id)));
  END IF;
  IF OLD.quantity <> NEW.quantity THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('subscription', NEW.id, 'quantity_changed', NEW.customer_id, v_cause,
            jsonb_build_object('old_quantity', OLD.quantity::text, 'new_quantity', NEW.quantity::text));
  END IF;
  was_scheduled := OLD.cancel_at_period_end OR OLD.cancel_at IS NOT NULL;
  scheduled := NEW.cancel_at_period_end OR NEW.cancel_at IS NOT NULL;
  IF was_scheduled <> scheduled AND NEW.status NOT IN ('canceled', 'incomplete_expired') THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('subscription', NEW.id, CASE WHEN scheduled THEN 'cancel_scheduled' ELSE 'resumed' END,
            NEW.customer_id, v_cause, jsonb_build_object('cancel_at_period_end', NEW.cancel_at_period_end::text));
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS billing_audit_subscription_insert ON public.billing_subscriptions;
CREATE TRIGGER billing_audit_subscription_insert
  AFTER INSERT ON public.billing_subscriptions
  FOR EACH ROW EXECUTE FUNCTION public.billing_audit_subscription();
-- The WHEN clause keeps the function out of updates that change nothing the trail records.
DROP TRIGGER IF EXISTS billing_audit_subscription_update ON public.billing_subscriptions;
CREATE TRIGGER billing_audit_subscription_update
  AFTER UPDATE ON public.billing_subscriptions
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.price_id IS DISTINCT FROM NEW.price_id
    OR OLD.quantity <> NEW.quantity OR OLD.cancel_at_period_end <> NEW.cancel_at_period_end
    OR (OLD.cancel_at IS NULL) <> (NEW.cancel_at IS NULL))
  EXECUTE FUNCTION public.billing_audit_subscription();

CREATE OR REPLACE FUNCTION public.billing_audit_invoice_paid()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
  VALUES ('invoice', NEW.id, 'paid', NEW.customer_id, public.billing_audit_cause(),
          jsonb_build_object('amount_paid', NEW.amount_paid::text, 'currency', NEW.currency));
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS billing_audit_invoice_paid_insert ON public.billing_invoices;
CREATE TRIGGER billing_audit_invoice_paid_insert
  AFTER INSERT ON public.billing_invoices
  FOR EACH ROW WHEN (NEW.status = 'paid') EXECUTE FUNCTION public.billing_audit_invoice_paid();
DROP TRIGGER IF EXISTS billing_audit_invoice_paid_update ON public.billing_invoices;
CREATE TRIGGER billing_audit_invoice_paid_update
  AFTER UPDATE ON public.billing_invoices
  FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid')
  EXECUTE FUNCTION public.billing_audit_invoice_paid();

CREATE OR REPLACE FUNCTION public.billing_audit_purchase()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  INSERT INTO public.billing_audit_log (entity, entity_id, action, customer_id, cause, detail)
  VALUES ('purchase', NEW.id, 'recorded', NEW.customer_id, public.billing_audit_cause(),
          jsonb_build_object('price_id', NEW.price_id, 'quantity', NEW.quantity::text,
                             'amount_total', NEW.amount_total::text, 'currency', NEW.currency));
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS billing_audit_purchase_insert ON public.billing_purchases;
CREATE TRIGGER billing_audit_purchase_insert
  AFTER INSERT ON public.billing_purchases
  FOR EACH ROW EXECUTE FUNCTION public.billing_audit_purchase();

-- An explicit entry, unless one with its entity, action, entity id and cause exists. True when recorded now.
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
  ON CONFLICT (entity, action, entity_id, cause) WHERE explicit DO NOTHING;
  GET DIAGNOSTICS v_recorded = ROW_COUNT;
  RETURN v_recorded = 1;
END
$$;

-- A page of the trail, newest first, below p_before_id; the account filter takes the entries naming it and those
-- of the customer linked to it now.
CREATE OR REPLACE FUNCTION public.billing_audit_list(p_user_id text, p_customer_id text, p_entity text,
                                                     p_action text, p_from timestamptz, p_to timestamptz,
                                                     p_before_id bigint, p_limit integer)
RETURNS SETOF public.billing_audit_log
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT a.*
    FROM public.billing_audit_log a
   WHERE a.id < p_before_id
     AND (p_user_id IS NULL OR a.user_id = p_user_id
          OR a.customer_id = (SELECT m.stripe_customer_id FROM public.stripe_customer_mapping m
                               WHERE m.clerk_user_id = p_user_id))
     AND (p_customer_id IS NULL OR a.customer_id = p_customer_id)
     AND (p_entity IS NULL OR (a.entity = p_entity AND a.action = p_action))
     AND (p_from IS NULL OR a.recorded_at >= p_from)
     AND (p_to IS NULL OR a.recorded_at < p_to)
   ORDER BY a.id DESC
   LIMIT p_limit
$$;

ALTER TABLE public.billing_audit_log ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_audit_log FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_audit_log TO service_role;
REVOKE ALL ON FUNCTION public.billing_audit_cause, public.billing_audit_customer, public.billing_audit_subscription,
                       public.billing_audit_invoice_paid, public.billing_audit_purchase, public.billing_audit_record,
                       public.billing_audit_list
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_audit_cause, public.billing_audit_customer,
                          public.billing_audit_subscription, public.billing_audit_invoice_paid,
                          public.billing_audit_purchase, public.billing_audit_record, public.billing_audit_list
  TO service_role;

NOTIFY pgrst, 'reload schema';
