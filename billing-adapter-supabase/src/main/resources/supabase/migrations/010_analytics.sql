-- billing 010: revenue analytics (AnalyticsStore). The pricing of a subscription's first item and its known
-- discount (all NULL when unknown), the upsert that writes them, the indexes the aggregates read, and the
-- aggregates themselves, one function each, grouped in the database (PostgREST /rpc/billing_analytics_*).
-- Idempotent.

ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS currency            text;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS unit_amount         bigint;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS recurring_interval  text;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS interval_count      integer;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS percent_off         numeric;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS amount_off          bigint;
ALTER TABLE public.billing_subscriptions ADD COLUMN IF NOT EXISTS amount_off_currency text;

CREATE INDEX IF NOT EXISTS billing_subscriptions_created_idx ON public.billing_subscriptions (created);
CREATE INDEX IF NOT EXISTS billing_subscriptions_ended_idx
  ON public.billing_subscriptions (ended_at, customer_id) WHERE ended_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS billing_subscriptions_trial_end_idx
  ON public.billing_subscriptions (trial_end) WHERE trial_end IS NOT NULL;
CREATE INDEX IF NOT EXISTS billing_invoices_created_idx ON public.billing_invoices (created);
CREATE INDEX IF NOT EXISTS billing_purchases_purchased_at_idx ON public.billing_purchases (purchased_at);
CREATE INDEX IF NOT EXISTS billing_usage_counters_period_end_idx ON public.billing_usage_counters (period_end);

-- 003's upsert, now writing the pricing too. CREATE OR REPLACE keeps 005's grants.
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
          amount_off_currency)
  VALUES (r.id, r.customer_id, r.status, r.price_id, r.quantity, r.current_period_start, r.current_period_end,
          coalesce(r.cancel_at_period_end, false), r.cancel_at, r.canceled_at, r.ended_at, r.trial_start,
          r.trial_end, r.created, coalesce(r.metadata, '{}'::jsonb), r.version, now(), r.currency, r.unit_amount,
          r.recurring_interval, r.interval_count, r.percent_off, r.amount_off, r.amount_off_currency)
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
         amount_off_currency = excluded.amount_off_currency
   WHERE s.version < excluded.version;
  IF FOUND THEN
    RETURN 'applied';
  END IF;
  SELECT s.version INTO stored FROM public.billing_subscriptions s WHERE s.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;

-- The subscriptions that have not ended, grouped by status, price, pricing, scheduled cancellation and quantity.
CREATE OR REPLACE FUNCTION public.billing_analytics_subscriptions()
RETURNS TABLE (status text, price_id text, currency text, unit_amount bigint, recurring_interval text,
               interval_count integer, percent_off numeric, amount_off bigint, amount_off_currency text,
               canceling boolean, quantity bigint, n bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT s.status, s.price_id, s.currency, s.unit_amount, s.recurring_interval, s.interval_count, s.percent_off,
         s.amount_off, s.amount_off_currency, (s.cancel_at_period_end OR s.cancel_at IS NOT NULL), s.quantity,
         count(*)
    FROM public.billing_subscriptions s
   WHERE s.status NOT IN ('canceled', 'incomplete_expired')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
$$;

-- Starts (and reactivations: the customer's first end came before) and cancellations per UTC month since p_since.
CREATE OR REPLACE FUNCTION public.billing_analytics_movements(p_since timestamptz)
RETURNS TABLE (month text, started bigint, reactivated bigint, churned bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  WITH first_end AS (
    SELECT e.customer_id, min(e.ended_at) AS ended_at FROM public.billing_subscriptions e
     WHERE e.ended_at IS NOT NULL GROUP BY e.customer_id),
  started AS (
    SELECT date_trunc('month', s.created, 'UTC') AS m, count(*) AS started,
           count(*) FILTER (WHERE f.ended_at <= s.created) AS reactivated
      FROM public.billing_subscriptions s LEFT JOIN first_end f ON f.customer_id = s.customer_id
     WHERE s.created >= p_since GROUP BY 1),
  churned AS (
    SELECT date_trunc('month', c.ended_at, 'UTC') AS m, count(*) AS churned FROM public.billing_subscriptions c
     WHERE c.ended_at IS NOT NULL AND c.ended_at >= p_since AND c.status = 'canceled' GROUP BY 1)
  SELECT to_char(m, 'YYYY-MM'), coalesce(st.started, 0), coalesce(st.reactivated, 0), coalesce(ch.churned, 0)
    FROM started st FULL JOIN churned ch USING (m)
$$;

-- Trials that ended by p_now (their subscription left trialing), and those that became paying.
CREATE OR REPLACE FUNCTION public.billing_analytics_trials(p_now timestamptz)
RETURNS TABLE (ended bigint, converted bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT count(*), count(*) FILTER (WHERE s.status IN ('active', 'past_due', 'unpaid')
                                       OR (s.ended_at IS NOT NULL AND s.ended_at > s.trial_end))
    FROM public.billing_subscriptions s
   WHERE s.trial_end IS NOT NULL AND s.trial_end <= p_now AND s.status <> 'trialing'
$$;

-- Invoices with an amount due created since p_since, by status, currency and whether their subscription is at risk.
CREATE OR REPLACE FUNCTION public.billing_analytics_invoices(p_since timestamptz)
RETURNS TABLE (status text, currency text, at_risk boolean, n bigint, due bigint, remaining bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT i.status, i.currency, coalesce(s.status IN ('past_due', 'unpaid'), false), count(*),
         sum(i.amount_due)::bigint, sum(i.amount_remaining)::bigint
    FROM public.billing_invoices i LEFT JOIN public.billing_subscriptions s ON s.id = i.subscription_id
   WHERE i.created >= p_since AND i.amount_due > 0
   GROUP BY 1, 2, 3
$$;

-- One-time purchases since p_since per UTC month and currency.
CREATE OR REPLACE FUNCTION public.billing_analytics_purchases(p_since timestamptz)
RETURNS TABLE (month text, currency text, n bigint, total bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT to_char(date_trunc('month', p.purchased_at, 'UTC'), 'YYYY-MM'), p.currency, count(*),
         sum(p.amount_total)::bigint
    FROM public.billing_purchases p
   WHERE p.purchased_at >= p_since
   GROUP BY 1, 2
$$;

-- The counters of the periods running at p_now, per meter and the price of each account's granting subscription
-- (its newest active, trialing or past due one; NULL without one).
CREATE OR REPLACE FUNCTION public.billing_analytics_usage(p_now timestamptz)
RETURNS TABLE (price_id text, meter text, accounts bigint, used bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT g.price_id, c.meter, count(*), sum(c.used)::bigint
    FROM public.billing_usage_counters c
    LEFT JOIN public.stripe_customer_mapping cu ON cu.clerk_user_id = c.user_id
    LEFT JOIN LATERAL (
      SELECT s.price_id FROM public.billing_subscriptions s
       WHERE s.customer_id = cu.stripe_customer_id AND s.status IN ('active', 'trialing', 'past_due')
       ORDER BY s.created DESC LIMIT 1) g ON true
   WHERE c.period_end > p_now AND c.period_start <= p_now
   GROUP BY 1, 2
$$;

-- Who may call them: as 005 does for the other billing functions.
REVOKE ALL ON FUNCTION public.billing_analytics_subscriptions, public.billing_analytics_movements,
                       public.billing_analytics_trials, public.billing_analytics_invoices,
                       public.billing_analytics_purchases, public.billing_analytics_usage
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_analytics_subscriptions, public.billing_analytics_movements,
                          public.billing_analytics_trials, public.billing_analytics_invoices,
                          public.billing_analytics_purchases, public.billing_analytics_usage
  TO service_role;

-- The subscriptions that could have been running since p_since (MRR history), grouped by pricing, quantity and the
-- UTC months (YYYY-MM) of created, ended_at and trial_end; an instant after p_now, and the trial end of a subscription
-- trialing now, stand as the month after p_now's.
CREATE OR REPLACE FUNCTION public.billing_analytics_mrr_spans(p_since timestamptz, p_now timestamptz)
RETURNS TABLE (currency text, unit_amount bigint, recurring_interval text, interval_count integer,
               percent_off numeric, amount_off bigint, amount_off_currency text, quantity bigint,
               created_month text, ended_month text, trial_end_month text, n bigint)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  WITH w AS (SELECT to_char((p_now AT TIME ZONE 'UTC') + interval '1 month', 'YYYY-MM') AS after)
  SELECT s.currency, s.unit_amount, s.recurring_interval, s.interval_count, s.percent_off, s.amount_off,
         s.amount_off_currency, s.quantity,
         CASE WHEN s.created > p_now THEN w.after ELSE to_char(s.created AT TIME ZONE 'UTC', 'YYYY-MM') END,
         CASE WHEN s.ended_at > p_now THEN w.after ELSE to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM') END,
         CASE WHEN s.trial_end > p_now OR s.status = 'trialing' THEN w.after
              ELSE to_char(s.trial_end AT TIME ZONE 'UTC', 'YYYY-MM') END,
         count(*)
    FROM public.billing_subscriptions s CROSS JOIN w
   WHERE s.status NOT IN ('incomplete', 'incomplete_expired') AND (s.ended_at IS NULL OR s.ended_at >= p_since)
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
$$;

REVOKE ALL ON FUNCTION public.billing_analytics_mrr_spans
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_analytics_mrr_spans
  TO service_role;

NOTIFY pgrst, 'reload schema';
