-- billing 003: the subscription, invoice and purchase projections (DESIGN §4.3). New tables: the earlier Node
-- backend never stored these. Ids are compared in byte order (COLLATE "C") so listings page the same way on every
-- database. Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_subscriptions (
  id                   text COLLATE "C" PRIMARY KEY,
  customer_id          text        NOT NULL,
  status               text        NOT NULL,
  price_id             text,
  quantity             bigint      NOT NULL CHECK (quantity >= 0),
  current_period_start timestamptz,
  current_period_end   timestamptz,
  cancel_at_period_end boolean     NOT NULL DEFAULT false,
  cancel_at            timestamptz,
  canceled_at          timestamptz,
  ended_at             timestamptz,
  trial_start          timestamptz,
  trial_end            timestamptz,
  created              timestamptz NOT NULL,
  metadata             jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- SourceVersion.key(): epochSecond * 10^7 + (refetch ? 10^6 + microseconds : 0). Written only when newer.
  version              bigint      NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS billing_subscriptions_customer_idx
  ON public.billing_subscriptions (customer_id, created DESC);

CREATE TABLE IF NOT EXISTS public.billing_invoices (
  id                 text COLLATE "C" PRIMARY KEY,
  customer_id        text        NOT NULL,
  subscription_id    text,
  status             text        NOT NULL,
  number             text,
  currency           text        NOT NULL,
  amount_due         bigint      NOT NULL,
  amount_paid        bigint      NOT NULL,
  amount_remaining   bigint      NOT NULL,
  hosted_invoice_url text,
  invoice_pdf        text,
  billing_reason     text,
  period_start       timestamptz,
  period_end         timestamptz,
  created            timestamptz NOT NULL,
  version            bigint      NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS billing_invoices_customer_idx ON public.billing_invoices (customer_id, created DESC);

-- One-time purchases, keyed by their Checkout session id; insert-once.
CREATE TABLE IF NOT EXISTS public.billing_purchases (
  id                text COLLATE "C" PRIMARY KEY,
  customer_id       text        NOT NULL,
  price_id          text        NOT NULL,
  quantity          bigint      NOT NULL CHECK (quantity >= 1),
  currency          text        NOT NULL,
  amount_total      bigint      NOT NULL CHECK (amount_total >= 0),
  payment_intent_id text,
  purchased_at      timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS billing_purchases_customer_idx ON public.billing_purchases (customer_id, purchased_at);

-- Writes the subscription iff there is no row or the stored version is strictly older, and says what happened:
-- 'applied', 'same_version' or 'stale'. Atomic: ON CONFLICT locks the row even when its WHERE refuses the update,
-- so the version read afterwards is the one that refused it.
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
          updated_at)
  VALUES (r.id, r.customer_id, r.status, r.price_id, r.quantity, r.current_period_start, r.current_period_end,
          coalesce(r.cancel_at_period_end, false), r.cancel_at, r.canceled_at, r.ended_at, r.trial_start,
          r.trial_end, r.created, coalesce(r.metadata, '{}'::jsonb), r.version, now())
  ON CONFLICT (id) DO UPDATE
     SET customer_id = excluded.customer_id, status = excluded.status, price_id = excluded.price_id,
         quantity = excluded.quantity, current_period_start = excluded.current_period_start,
         current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
         cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
         trial_start = excluded.trial_start, trial_end = excluded.trial_end, created = excluded.created,
         metadata = excluded.metadata, version = excluded.version, updated_at = excluded.updated_at
   WHERE s.version < excluded.version;
  IF FOUND THEN
    RETURN 'applied';
  END IF;
  SELECT s.version INTO stored FROM public.billing_subscriptions s WHERE s.id = r.id;
  RETURN CASE WHEN stored = r.version THEN 'same_version' ELSE 'stale' END;
END
$$;

-- The same for invoices.
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
          hosted_invoice_url, invoice_pdf, billing_reason, period_start, period_end, created, version, updated_at)
  VALUES (r.id, r.customer_id, r.subscription_id, r.status, r.number, r.currency, r.amount_due, r.amount_paid,
          r.amount_remaining, r.hosted_invoice_url, r.invoice_pdf, r.billing_reason, r.period_start, r.period_end,
          r.created, r.version, now())
  ON CONFLICT (id) DO UPDATE
     SET customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, status = excluded.status,
         number = excluded.number, currency = excluded.currency, amount_due = excluded.amount_due,
         amount_paid = excluded.amount_paid, amount_remaining = excluded.amount_remaining,
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

-- Which customers' projection changed, read by every server on this project so that it drops the entitlements it
-- cached for them (ProjectionChanges). Rows are deleted after ten minutes; nothing depends on them for
-- correctness (cached answers expire anyway).
CREATE TABLE IF NOT EXISTS public.billing_projection_changes (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  origin      text             NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  changed_at  timestamptz      NOT NULL
);
CREATE INDEX IF NOT EXISTS billing_projection_changes_changed_at_idx
  ON public.billing_projection_changes (changed_at);

-- Deletes the changes made before p_before; returns how many (PostgREST's DELETE would answer the rows).
CREATE OR REPLACE FUNCTION public.billing_changes_prune(p_before timestamptz)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH gone AS (DELETE FROM public.billing_projection_changes WHERE changed_at < p_before RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;
