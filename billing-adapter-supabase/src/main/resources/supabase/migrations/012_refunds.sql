-- billing 012: refunds of the customers' payments (SubscriptionStore.upsertRefund), projected from refund.created,
-- refund.updated and charge.refunded like invoices: one row per Stripe refund, written iff its version is newer (a
-- pending refund that succeeded never goes back to pending). No personal data: ids, amounts, statuses. New table.
-- This script comes after 005 and so locks its own table and function down the same way (RLS without policy,
-- service_role only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_refunds (
  id                text COLLATE "C" PRIMARY KEY,
  customer_id       text COLLATE "C" NOT NULL,
  charge_id         text,
  payment_intent_id text,
  amount            bigint      NOT NULL CHECK (amount >= 0),
  currency          text        NOT NULL,
  status            text        NOT NULL,
  reason            text,
  created           timestamptz NOT NULL,
  version           bigint      NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- refundsOf(customer), newest first, and what each purchase and invoice of the customer had refunded.
CREATE INDEX IF NOT EXISTS billing_refunds_customer_idx ON public.billing_refunds (customer_id, created DESC, id);

-- Insert, or update iff strictly newer, and say which ('applied', 'same_version', 'stale'): one transaction, as
-- billing_upsert_invoice.
CREATE OR REPLACE FUNCTION public.billing_upsert_refund(p_refund jsonb)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  r      public.billing_refunds := jsonb_populate_record(NULL::public.billing_refunds, p_refund);
  stored bigint;
BEGIN
  INSERT INTO public.billing_refunds AS f
         (id, customer_id, charge_id, payment_intent_id, amount, currency, status, reason, created, version,
          updated_at)
  VALUES (r.id, r.customer_id, r.charge_id, r.payment_intent_id, r.amount, r.currency, r.status, r.reason,
          r.created, r.version, now())
  ON CONFLICT (id) DO UPDATE
     SET customer_id = excluded.customer_id, charge_id = excluded.charge_id,
         payment_intent_id = excluded.payment_intent_id, amount = excluded.amount, currency = excluded.currency,
         status = excluded.status, reason = excluded.reason, created = excluded.created,
         version = excluded.version, updated_at = excluded.updated_at
   WHERE f.version < excluded.version;
  IF FOUND THEN
    RETURN 'applied';
  END IF;
  SELECT f.version INTO stored FROM public.billing_refunds f WHERE f.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;

ALTER TABLE public.billing_refunds ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_refunds FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_refunds TO service_role;
REVOKE ALL ON FUNCTION public.billing_upsert_refund
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_upsert_refund
  TO service_role;

-- Revenue analytics: refunds created since p_since that were not failed or canceled, per UTC month and currency.
CREATE OR REPLACE FUNCTION public.billing_analytics_refunds(p_since timestamptz)
RETURNS TABLE (month text, currency text, n bigint, total bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT to_char(date_trunc('month', f.created, 'UTC'), 'YYYY-MM'), f.currency, count(*), sum(f.amount)::bigint
    FROM public.billing_refunds f
   WHERE f.created >= p_since AND f.status NOT IN ('failed', 'canceled')
   GROUP BY 1, 2
$$;
REVOKE ALL ON FUNCTION public.billing_analytics_refunds
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_analytics_refunds
  TO service_role;
