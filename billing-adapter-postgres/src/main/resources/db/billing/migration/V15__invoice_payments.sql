-- Which payment intent paid which invoice (SubscriptionStore.recordInvoicePayment), from invoice_payment.paid events
-- and the payment_intent of invoices of API versions before 2025-03-31, so that an invoice shows what its payment had
-- refunded. Stripe never changes such a link: insert-once, keyed by both ids (an invoice paid in parts has several).
-- No foreign key to invoices: invoice_payment.paid may come before any event of its invoice. No personal data.
-- A new, empty table, so nothing waits; every statement may run again and changes nothing the second time.
CREATE TABLE IF NOT EXISTS invoice_payments (
    invoice_id        text COLLATE "C" NOT NULL,
    payment_intent_id text COLLATE "C" NOT NULL,
    CONSTRAINT invoice_payments_pkey PRIMARY KEY (invoice_id, payment_intent_id)
);
