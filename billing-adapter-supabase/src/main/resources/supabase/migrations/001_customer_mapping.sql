-- billing 001: customer links (user <-> Stripe customer, unique on both sides).
--
-- The table keeps the name and columns the earlier Node backend created in the Supabase SQL editor
-- (clerk_user_id, stripe_customer_id, created_at); this script only adds what is missing: the table itself on a
-- new project, the email column, a default for created_at, and one unique index per side. Idempotent.

CREATE TABLE IF NOT EXISTS public.stripe_customer_mapping (
  clerk_user_id      text        PRIMARY KEY,
  stripe_customer_id text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  email              text
);

ALTER TABLE public.stripe_customer_mapping ADD COLUMN IF NOT EXISTS clerk_user_id text;
ALTER TABLE public.stripe_customer_mapping ADD COLUMN IF NOT EXISTS stripe_customer_id text;
ALTER TABLE public.stripe_customer_mapping ADD COLUMN IF NOT EXISTS created_at timestamptz;
ALTER TABLE public.stripe_customer_mapping ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE public.stripe_customer_mapping ALTER COLUMN created_at SET DEFAULT now();

-- One link per user and one per customer. An existing table may already have a primary key or unique constraint
-- on either column (then it is used as is), or none and duplicate rows: exact duplicates of one (user, customer)
-- pair are the same link and only the oldest is kept; a user linked to two customers (or the reverse) needs a
-- human decision, so the script stops and says which rows.
DO $$
DECLARE
  user_unique     boolean;
  customer_unique boolean;
BEGIN
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = 'public.stripe_customer_mapping'::regclass AND i.indisunique
                    AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = 1
                    AND a.attname = 'clerk_user_id')
    INTO user_unique;
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = 'public.stripe_customer_mapping'::regclass AND i.indisunique
                    AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = 1
                    AND a.attname = 'stripe_customer_id')
    INTO customer_unique;
  IF user_unique AND customer_unique THEN
    RETURN;
  END IF;

  DELETE FROM public.stripe_customer_mapping
   WHERE ctid IN (SELECT ranked.ctid
                    FROM (SELECT m.ctid, row_number() OVER (PARTITION BY m.clerk_user_id, m.stripe_customer_id
                                                            ORDER BY m.created_at NULLS LAST, m.ctid) AS n
                            FROM public.stripe_customer_mapping m
                           WHERE m.clerk_user_id IS NOT NULL AND m.stripe_customer_id IS NOT NULL) ranked
                   WHERE ranked.n > 1);

  IF EXISTS (SELECT 1 FROM public.stripe_customer_mapping WHERE clerk_user_id IS NOT NULL
              GROUP BY clerk_user_id HAVING count(*) > 1) THEN
    RAISE EXCEPTION 'billing: stripe_customer_mapping links some users to several Stripe customers'
      USING HINT = 'Keep one row per user, then run the script again. Find them with: SELECT clerk_user_id, '
                   'array_agg(stripe_customer_id) FROM stripe_customer_mapping GROUP BY 1 HAVING count(*) > 1';
  END IF;
  IF EXISTS (SELECT 1 FROM public.stripe_customer_mapping WHERE stripe_customer_id IS NOT NULL
              GROUP BY stripe_customer_id HAVING count(*) > 1) THEN
    RAISE EXCEPTION 'billing: stripe_customer_mapping links some Stripe customers to several users'
      USING HINT = 'Keep one row per customer, then run the script again. Find them with: SELECT stripe_customer_id, '
                   'array_agg(clerk_user_id) FROM stripe_customer_mapping GROUP BY 1 HAVING count(*) > 1';
  END IF;

  IF NOT user_unique THEN
    CREATE UNIQUE INDEX stripe_customer_mapping_clerk_user_id_key
      ON public.stripe_customer_mapping (clerk_user_id);
  END IF;
  IF NOT customer_unique THEN
    CREATE UNIQUE INDEX stripe_customer_mapping_stripe_customer_id_key
      ON public.stripe_customer_mapping (stripe_customer_id);
  END IF;
END
$$;

-- Listing in byte order of the user id (the same order everywhere, whatever the database's collation).
CREATE INDEX IF NOT EXISTS stripe_customer_mapping_user_order_idx
  ON public.stripe_customer_mapping (clerk_user_id COLLATE "C");

-- Every link after p_after_user (null: from the start), in byte order of the user id. Rows the old backend may
-- have left without a user or a customer are not links and are skipped.
CREATE OR REPLACE FUNCTION public.billing_list_customer_links(p_after_user text, p_limit integer)
RETURNS SETOF public.stripe_customer_mapping
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT m.*
    FROM public.stripe_customer_mapping m
   WHERE m.clerk_user_id IS NOT NULL AND m.stripe_customer_id IS NOT NULL
     AND (p_after_user IS NULL OR m.clerk_user_id COLLATE "C" > p_after_user COLLATE "C")
   ORDER BY m.clerk_user_id COLLATE "C"
   LIMIT p_limit
$$;
