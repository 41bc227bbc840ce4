-- When a subscription turned past_due (docs/DESIGN.md §4.4): Stripe's subscription does not say, and a payment that
-- fails in the middle of a period (a plan change invoiced at once) falls due long after the period began. The row
-- given says when, if it knows (a webhook's write: its event's time, Stripe's; a copy: the source's row). A new row
-- takes that; a stored row of another status turning past due takes it, or else the new version's second; a past-due
-- row keeps its own (or takes the one given, if it had none); a row leaving past due clears it (JdbiSubscriptionStore).
-- Existing rows start with none: their grace counts from the period's start, as before. Adding a nullable column
-- without a default rewrites nothing. Every statement may run again.
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS past_due_since timestamptz;
