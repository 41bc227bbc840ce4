-- billing 009: purchases made without an account (GuestPurchaseStore): a guest's paid Checkout session, kept
-- against the email the buyer gave Stripe until a signed-in user with that email, verified, claims it (claimed_by,
-- claimed_at; NULL until then, and set together). Insert-once by session id. The email arrives normalised
-- (GuestPurchase.normalise: stripped, lower-case); it is personal data. New table. This script comes after 005 and
-- so locks its own table and function down the same way (RLS without policy, service_role only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_guest_purchases (
  session_id   text COLLATE "C" PRIMARY KEY,
  -- Compared for equality only: "C" compares bytes, which is cheaper and never depends on the database's locale.
  email        text COLLATE "C" NOT NULL,
  price_id     text        NOT NULL,
  quantity     bigint      NOT NULL,
  currency     text,
  amount_total bigint      NOT NULL CHECK (amount_total >= 0),
  customer_id  text,
  purchased_at timestamptz NOT NULL,
  claimed_by   text,
  claimed_at   timestamptz,
  CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))
);
-- claim and ofEmail: one email's few rows. Only the column, to keep the index and every insert cheap: sorting one
-- buyer's purchases costs nothing.
CREATE INDEX IF NOT EXISTS billing_guest_purchases_email_idx ON public.billing_guest_purchases (email);
-- claimedBy(user) and erasure: a user's claimed purchases.
CREATE INDEX IF NOT EXISTS billing_guest_purchases_claimed_idx ON public.billing_guest_purchases (claimed_by)
  WHERE claimed_by IS NOT NULL;

-- Gives p_user_id every unclaimed purchase of p_email (normalised by the caller) and answers every purchase of that
-- email the user now holds, taken now or before (a retry after a lost answer takes nothing and answers the same).
-- One statement: racing claimers wait on each other's row locks and re-check claimed_by IS NULL on the committed
-- row, so each purchase goes to exactly one of them. The outer SELECT reads the table as it was before the CTE's
-- UPDATE, so it finds only what the user held already and no row comes twice.
CREATE OR REPLACE FUNCTION public.billing_guests_claim(p_email text, p_user_id text, p_at timestamptz)
RETURNS SETOF public.billing_guest_purchases
LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  WITH taken AS (
    UPDATE public.billing_guest_purchases g
       SET claimed_by = p_user_id, claimed_at = p_at
     WHERE g.email = p_email AND g.claimed_by IS NULL
    RETURNING g.*
  )
  SELECT t.* FROM taken t
  UNION ALL
  SELECT g.* FROM public.billing_guest_purchases g WHERE g.email = p_email AND g.claimed_by = p_user_id
$$;

-- Migration: writes the purchase as given unless the same row is stored; true when it wrote.
CREATE OR REPLACE FUNCTION public.billing_guests_restore(p_purchase jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_guest_purchases AS g (session_id, email, price_id, quantity, currency, amount_total,
                                                   customer_id, purchased_at, claimed_by, claimed_at)
  SELECT r.session_id, r.email, r.price_id, r.quantity, r.currency, r.amount_total, r.customer_id, r.purchased_at,
         r.claimed_by, r.claimed_at
    FROM jsonb_populate_record(NULL::public.billing_guest_purchases, p_purchase) AS r
  ON CONFLICT (session_id) DO UPDATE
     SET email = EXCLUDED.email, price_id = EXCLUDED.price_id, quantity = EXCLUDED.quantity,
         currency = EXCLUDED.currency, amount_total = EXCLUDED.amount_total, customer_id = EXCLUDED.customer_id,
         purchased_at = EXCLUDED.purchased_at, claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at
   WHERE (g.email, g.price_id, g.quantity, g.currency, g.amount_total, g.customer_id, g.purchased_at, g.claimed_by,
          g.claimed_at)
         IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.price_id, EXCLUDED.quantity, EXCLUDED.currency,
          EXCLUDED.amount_total, EXCLUDED.customer_id, EXCLUDED.purchased_at, EXCLUDED.claimed_by,
          EXCLUDED.claimed_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- Who may touch them: as 005 does for the other billing tables and functions.
ALTER TABLE public.billing_guest_purchases ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_guest_purchases FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_guest_purchases TO service_role;

REVOKE ALL ON FUNCTION public.billing_guests_claim, public.billing_guests_restore
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_guests_claim, public.billing_guests_restore
  TO service_role;

NOTIFY pgrst, 'reload schema';
