-- Fewer index entries per ingested webhook.
--
-- The inbox's listing of every status no longer has an index of its own: it reads one branch per status from
-- webhook_inbox_status_received_idx, merged in received order (JdbiEventInbox.list). The dropped index cost every
-- event two entries, one when it was recorded and one when it completed (the completion changes the status, which
-- the other indexes hold, so it is never a HOT update), for a listing only an admin asks for.
--
-- Subscriptions leave a fifth of each page free, so that a newer version of a subscription (a status, quantity or
-- period change, none of them indexed) fits on its page as a HOT update: no new entry in any of the table's five
-- indexes, and nothing for vacuum to clean out of them. At the default (no room), most updates of a freshly
-- written page moved the row and indexed it anew. The setting applies to pages written from now on.
--
-- docs/BENCHMARKS.md, "Fewer index writes per event", has the figures. MigrationsIT replays the latest migration:
-- both statements change nothing the second time.
DROP INDEX IF EXISTS webhook_inbox_received_idx;
ALTER TABLE subscriptions SET (fillfactor = 80);
