-- billing 015: which payment intent paid which invoice (SubscriptionStore.recordInvoicePayment), from
-- invoice_payment.paid events and the payment_intent of invoices of API versions before 2025-03-31, so that an
-- invoice shows what its payment had refunded. Stripe never changes such a link: insert-once (one POST with
-- resolution=ignore-duplicates), keyed by both ids (an invoice paid in parts has several). No foreign key to
-- billing_invoices: invoice_payment.paid may come before any event of its invoice. No personal data. New table,
-- locked down as 012 does (RLS without policy, service_role only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_invoice_payments (
  invoice_id        text COLLATE "C" NOT NULL,
  payment_intent_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (invoice_id, payment_intent_id)
);

ALTER TABLE public.billing_invoice_payments ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_invoice_payments FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_invoice_payments TO service_role;

NOTIFY pgrst, 'reload schema';
