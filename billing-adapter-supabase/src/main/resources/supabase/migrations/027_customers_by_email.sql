-- billing 027: an admin's search of the customer links by email reads an index (CustomerStore.findByEmail, the
-- dashboard's search). It was a PostgREST GET with email=ilike.<email>, which no index serves: every search read
-- the whole table. The function compares lower(email), as the Postgres store does along V24's
-- customers_email_lower_idx, along the index below (every link writes an entry in it). On a large table, create
-- the index CONCURRENTLY before applying this (docs/SUPABASE.md). service_role only, as 005 locks the others down.
-- Idempotent.

CREATE INDEX IF NOT EXISTS stripe_customer_mapping_email_lower_idx
  ON public.stripe_customer_mapping (lower(email));

-- The links whose email is p_email ignoring case, oldest first, at most p_limit.
CREATE OR REPLACE FUNCTION public.billing_customers_by_email(p_email text, p_limit integer)
RETURNS SETOF public.stripe_customer_mapping
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT m.*
    FROM public.stripe_customer_mapping m
   WHERE lower(m.email) = lower(p_email) AND m.clerk_user_id IS NOT NULL AND m.stripe_customer_id IS NOT NULL
   ORDER BY m.created_at, m.clerk_user_id
   LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION public.billing_customers_by_email
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_customers_by_email
  TO service_role;

NOTIFY pgrst, 'reload schema';
