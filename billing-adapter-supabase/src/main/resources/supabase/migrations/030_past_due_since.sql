-- billing 030: when a subscription turned past_due (docs/DESIGN.md §4.4), as Postgres's V27. Stripe's subscription
-- does not say, and a payment that fails in the middle of a period (a plan change invoiced at once) falls due long
-- after the period began. A write may give a time: a webhook's, its event's creation when the event shows the
-- subscription not yet past due or turning so (a bound the turn is not before, on Stripe's clock); a copy's, the
-- source's row. A new row takes it; a stored row of another status turning past due takes it, or else the new version's
-- second (when it was first seen past due, kept only until a write gives a bound: the turning event may be processed
-- after a later one); a past-due row keeps its bound, or the one given when later (an older event replayed moves
-- nothing); a row leaving past due clears both. past_due_bound says whether past_due_since is a bound given. Existing
-- rows start with none: their grace counts from the period's start, as before. Idempotent.

ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS past_due_since timestamptz;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS past_due_bound boolean NOT NULL DEFAULT false;

-- 010's upsert, now keeping past_due_since. CREATE OR REPLACE keeps 005's grants.
CREATE OR REPLACE FUNCTION public.billing_upsert_subscription(p_subscription jsonb)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  r      public.billing_subscriptions := jsonb_populate_record(NULL::public.billing_subscriptions, p_subscription);
  stored bigint;
BEGIN
  INSERT INTO public.billing_subscriptions AS s
         (id, customer_id, status, price_id, quantity, current_period_start, current_period_end,
          cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end, created, metadata, version,
          updated_at, currency, unit_amount, recurring_interval, interval_count, percent_off, amount_off,
          amount_off_currency, past_due_since, past_due_bound)
  VALUES (r.id, r.customer_id, r.status, r.price_id, r.quantity, r.current_period_start, r.current_period_end,
          coalesce(r.cancel_at_period_end, false), r.cancel_at, r.canceled_at, r.ended_at, r.trial_start,
          r.trial_end, r.created, coalesce(r.metadata, '{}'::jsonb), r.version, now(), r.currency, r.unit_amount,
          r.recurring_interval, r.interval_count, r.percent_off, r.amount_off, r.amount_off_currency,
          CASE WHEN r.status = 'past_due' THEN r.past_due_since END,
          r.status = 'past_due' AND r.past_due_since IS NOT NULL)
  ON CONFLICT (id) DO UPDATE
     SET customer_id = excluded.customer_id, status = excluded.status, price_id = excluded.price_id,
         quantity = excluded.quantity, current_period_start = excluded.current_period_start,
         current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
         cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
         trial_start = excluded.trial_start, trial_end = excluded.trial_end, created = excluded.created,
         metadata = excluded.metadata, version = excluded.version, updated_at = excluded.updated_at,
         currency = excluded.currency, unit_amount = excluded.unit_amount,
         recurring_interval = excluded.recurring_interval, interval_count = excluded.interval_count,
         percent_off = excluded.percent_off, amount_off = excluded.amount_off,
         amount_off_currency = excluded.amount_off_currency,
         past_due_since = CASE
           WHEN excluded.status <> 'past_due' THEN NULL
           WHEN s.status <> 'past_due'
             THEN coalesce(excluded.past_due_since, to_timestamp(excluded.version / 10000000))
           WHEN s.past_due_bound THEN greatest(s.past_due_since, excluded.past_due_since)
           ELSE coalesce(excluded.past_due_since, s.past_due_since) END,
         past_due_bound = excluded.past_due_bound OR (s.past_due_bound AND excluded.status = 'past_due')
   WHERE s.version < excluded.version;
  IF FOUND THEN
    RETURN 'applied';
  END IF;
  SELECT s.version INTO stored FROM public.billing_subscriptions s WHERE s.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;
