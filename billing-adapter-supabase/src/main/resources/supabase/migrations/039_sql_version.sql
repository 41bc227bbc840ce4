-- billing 039: the version of the billing SQL a project holds: the number of the last script applied. A build of
-- billing reads it when it pings the store (SupabaseBillingStores), and a project whose SQL is older than the build's
-- is a configuration problem: a script replaced a function the build relies on (038's takeover, for instance), and
-- the old one would still answer, silently doing what the older build did. Every later script ends by replacing this
-- function with its own number (SupabaseSqlTest checks that the last one does). Idempotent.

CREATE OR REPLACE FUNCTION public.billing_sql_version()
RETURNS integer
LANGUAGE sql IMMUTABLE SECURITY INVOKER SET search_path = ''
AS $$ SELECT 39 $$;
REVOKE ALL ON FUNCTION public.billing_sql_version
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_sql_version
  TO service_role;

NOTIFY pgrst, 'reload schema';
