-- billing 037: auto-seats' lease per organization's customer (MembershipStore.leaseSeats), as Postgres's V30. The
-- process that holds it counts the members and sets the quantity at Stripe, so processes sharing the project send
-- one organization's quantities one at a time, never an older count after a newer one. A row lives while its holder
-- sets the seats and is deleted after; one left by a process that died runs out at "until". It names a Stripe
-- customer and a process, nobody's personal data: not exported, not copied by migrate-supabase. Only service_role
-- may touch it (005's rule). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_seat_leases (
  customer_id text COLLATE "C" PRIMARY KEY,
  holder      text        NOT NULL,
  until       timestamptz NOT NULL
);
ALTER TABLE public.billing_seat_leases ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_seat_leases FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_seat_leases TO service_role;

-- Takes the lease when nobody holds it, its holder's ran out before p_now, or p_holder holds it (then extended);
-- whether p_holder holds it now. The conflicting row is locked and the condition re-checked against it: one holder
-- wins a race.
CREATE OR REPLACE FUNCTION public.billing_seats_lease(p_customer_id text, p_holder text, p_now timestamptz,
                                                      p_until timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  INSERT INTO public.billing_seat_leases AS l (customer_id, holder, until)
  VALUES (p_customer_id, p_holder, p_until)
  ON CONFLICT (customer_id) DO UPDATE SET holder = excluded.holder, until = excluded.until
   WHERE l.holder = excluded.holder OR l.until < p_now;
  RETURN FOUND;
END
$$;
REVOKE ALL ON FUNCTION public.billing_seats_lease
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_seats_lease
  TO service_role;

NOTIFY pgrst, 'reload schema';
