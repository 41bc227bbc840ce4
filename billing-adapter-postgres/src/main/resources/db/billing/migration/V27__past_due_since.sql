-- When a subscription turned past_due (docs/DESIGN.md §4.4): Stripe's subscription does not say, and a payment that
-- fails in the middle of a period (a plan change invoiced at once) falls due long after the period began. A write may
-- give a time: a webhook's, its event's creation when the event shows the subscription not yet past due or turning so
-- (a bound the turn is not before, on Stripe's clock); a copy's, the source's row. A new row takes it; a stored row of
-- another status turning past due takes it, or else the new version's second (when it was first seen past due, kept
-- only until a write gives a bound: the turning event may be processed after a later one); a past-due row keeps its
-- bound, or the one given when later (an older event replayed moves nothing); a row leaving past due clears both
-- (JdbiSubscriptionStore). past_due_bound says whether past_due_since is a bound given. Existing rows start with none:
-- their grace counts from the period's start, as before. Adding a nullable column, or one whose default is a
-- constant, rewrites nothing. Every statement may run again.
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS past_due_since timestamptz;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS past_due_bound boolean NOT NULL DEFAULT false;
