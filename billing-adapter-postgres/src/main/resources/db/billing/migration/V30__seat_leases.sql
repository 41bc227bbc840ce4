-- Auto-seats' lease per organization's customer (MembershipStore.leaseSeats): the process that holds it counts the
-- members and sets the quantity at Stripe, so processes sharing the store send one organization's quantities one at
-- a time, never an older count after a newer one. A row lives while its holder sets the seats and is deleted after;
-- one left by a process that died runs out at "until". It names a Stripe customer and a process, nobody's personal
-- data: not exported, not copied by migrate-supabase (a lease is one process's moment).
--
-- Every statement may run again (MigrationsIT replays the latest migration) and changes nothing the second time.

CREATE TABLE IF NOT EXISTS seat_leases (
    customer_id text COLLATE "C" PRIMARY KEY,
    holder      text        NOT NULL,
    until       timestamptz NOT NULL
);
