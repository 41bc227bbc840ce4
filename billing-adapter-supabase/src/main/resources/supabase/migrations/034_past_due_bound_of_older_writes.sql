-- billing 034: a write the upsert does not apply still gives its past-due bound (030) to a past-due row, as Postgres's
-- store does since the same change (SubscriptionStore#upsertSubscription). Two reads of one subscription can be
-- written in the other order than they were sent: the older read is then refused, and with it the turning event's
-- bound went, leaving the spell dated by an earlier event (a trial's end notice, three days before the renewal that
-- failed). The bound is a fact about the turn whichever read came back first: a row of the same spell keeps the later
-- bound, or takes it in place of the version's second. No new column or table. Idempotent.

-- 030's upsert, with the bound of a write not applied. CREATE OR REPLACE keeps 005's grants.
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
  -- Not applied (an older or same version): its bound still dates a past-due row's spell, by the rule above.
  IF r.status = 'past_due' AND r.past_due_since IS NOT NULL THEN
    UPDATE public.billing_subscriptions s
       SET past_due_since = CASE WHEN s.past_due_bound THEN greatest(s.past_due_since, r.past_due_since)
                                 ELSE r.past_due_since END,
           past_due_bound = true
     WHERE s.id = r.id AND s.status = 'past_due'
       AND (NOT s.past_due_bound OR s.past_due_since < r.past_due_since);
  END IF;
  SELECT s.version INTO stored FROM public.billing_subscriptions s WHERE s.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;
