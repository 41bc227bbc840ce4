-- The tax Stripe computed on an invoice (sum of total_taxes[].amount, minor units): null when the invoice computed
-- none or was projected before this column existed (the next event or reconcile of the invoice fills it in).
-- A nullable column without a default: a catalog-only change, no rewrite, so nothing waits.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS tax bigint CHECK (tax >= 0);
