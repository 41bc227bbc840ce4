-- Revenue analytics (AnalyticsStore): the pricing of a subscription's first item and its known discount, and the
-- indexes the aggregates read. Pricing is all NULL when unknown (a price without a unit amount, a row written
-- before V10); percent_off or amount_off (with its currency) when a coupon is known. Adding nullable columns
-- without a default changes only the catalog: nothing is rewritten. The plain CREATE INDEX statements read their
-- table once and block its writes meanwhile (see docs/POSTGRES.md, Migrations, for doing it CONCURRENTLY first).
-- Every statement may run again without change.
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS currency            text;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS unit_amount         bigint;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS recurring_interval  text;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS interval_count      integer;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS percent_off         numeric;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS amount_off          bigint;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS amount_off_currency text;

-- movements: subscriptions started since a month.
CREATE INDEX IF NOT EXISTS subscriptions_created_idx ON subscriptions (created);
-- movements: subscriptions ended since a month, and each customer's first end (reactivations).
CREATE INDEX IF NOT EXISTS subscriptions_ended_idx ON subscriptions (ended_at, customer_id) WHERE ended_at IS NOT NULL;
-- trialOutcomes: trials that ended.
CREATE INDEX IF NOT EXISTS subscriptions_trial_end_idx ON subscriptions (trial_end) WHERE trial_end IS NOT NULL;
-- invoiceTally: invoices created since.
CREATE INDEX IF NOT EXISTS invoices_created_idx ON invoices (created);
-- purchaseRevenue: purchases made since.
CREATE INDEX IF NOT EXISTS purchases_purchased_at_idx ON purchases (purchased_at);
-- usage: the counters of the running periods.
CREATE INDEX IF NOT EXISTS usage_counters_period_end_idx ON usage_counters (period_end);
