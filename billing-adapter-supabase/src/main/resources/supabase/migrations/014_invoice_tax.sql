-- billing 014: the tax Stripe computed on an invoice (sum of total_taxes[].amount, minor units), null when the
-- invoice computed none or was projected before this script (the next event or reconcile of the invoice fills it
-- in). billing_upsert_invoice lists its columns, so it is redefined to write the new one; CREATE OR REPLACE keeps
-- the grants 005 gave it. Idempotent.

ALTER TABLE public.billing_invoices ADD COLUMN IF NOT EXISTS tax bigint CHECK (tax >= 0);

-- As in 003, with tax.
CREATE OR REPLACE FUNCTION public.billing_upsert_invoice(p_invoice jsonb)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  r      public.billing_invoices := jsonb_populate_record(NULL::public.billing_invoices, p_invoice);
  stored bigint;
BEGIN
  INSERT INTO public.billing_invoices AS i
         (id, customer_id, subscription_id, status, number, currency, amount_due, amount_paid, amount_remaining,
          tax, hosted_invoice_url, invoice_pdf, billing_reason, period_start, period_end, created, version,
          updated_at)
  VALUES (r.id, r.customer_id, r.subscription_id, r.status, r.number, r.currency, r.amount_due, r.amount_paid,
          r.amount_remaining, r.tax, r.hosted_invoice_url, r.invoice_pdf, r.billing_reason, r.period_start,
          r.period_end, r.created, r.version, now())
  ON CONFLICT (id) DO UPDATE
     SET customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, status = excluded.status,
         number = excluded.number, currency = excluded.currency, amount_due = excluded.amount_due,
         amount_paid = excluded.amount_paid, amount_remaining = excluded.amount_remaining, tax = excluded.tax,
         hosted_invoice_url = excluded.hosted_invoice_url, invoice_pdf = excluded.invoice_pdf,
         billing_reason = excluded.billing_reason, period_start = excluded.period_start,
         period_end = excluded.period_end, created = excluded.created, version = excluded.version,
         updated_at = excluded.updated_at
   WHERE i.version < excluded.version;
  IF FOUND THEN
    RETURN 'applied';
  END IF;
  SELECT i.version INTO stored FROM public.billing_invoices i WHERE i.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;

NOTIFY pgrst, 'reload schema';
