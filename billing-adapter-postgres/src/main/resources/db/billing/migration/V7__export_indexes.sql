-- Indexes for the reads of a personal data export, so that each is one index lookup instead of reading the table:
-- EventInbox.about (the inbox entries about a user's Stripe objects) and MembershipStore.ofUser. The third,
-- UsageLedger.countersOf, needs none: usage_counters' primary key (user_id, meter, period_start) starts with the user.
--
-- A plain CREATE INDEX: Flyway runs this migration in a transaction, where CONCURRENTLY is refused. It reads the
-- table once and blocks writes to it (not reads) until it is built. org_members is small. On a large inbox the build
-- takes seconds per million rows, and webhook deliveries wait for it (Stripe retries one that times out): run the
-- upgrade in a quiet moment, or create the index beforehand without blocking writes (docs/POSTGRES.md, Migrations);
-- IF NOT EXISTS then finds it and this migration changes nothing, as it does when applied again (a lost history row).

-- about(objectIds): object_id = ANY(...), then the few matching entries are sorted newest received first. Only the
-- column, to keep the index, its build and every inbox insert cheap: sorting a user's entries costs nothing.
CREATE INDEX IF NOT EXISTS webhook_inbox_object_idx ON webhook_inbox (object_id);
-- ofUser(user): one user's memberships, in organization order.
CREATE INDEX IF NOT EXISTS org_members_user_idx ON org_members (user_id, org_id);
