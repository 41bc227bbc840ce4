-- Lookups that read a whole table once the store holds a million customers (docs/BENCHMARKS.md, "Growth"):
-- the dashboard's customer search by email (CustomerStore.findByEmail: lower(email) = lower(:email)), and an
-- account's meter events (UsageLedger.reportsOf, read by the export and the erasure). Each costs a write of one
-- more index entry when a customer is linked or a usage increment is recorded for Stripe.
--
-- On a large table create them beforehand with CONCURRENTLY (docs/POSTGRES.md, "Migrations"); IF NOT EXISTS then
-- finds them. Every statement may run again (MigrationsIT replays the latest migration).
CREATE INDEX IF NOT EXISTS customers_email_lower_idx ON customers (lower(email));
CREATE INDEX IF NOT EXISTS meter_reports_customer_idx ON meter_reports (customer_id);
