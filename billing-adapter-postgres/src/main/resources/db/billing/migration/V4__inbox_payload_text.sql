-- The inbox payload becomes text, stored out of line without compression.
--
-- What the inbox needs of the payload is to keep it and hand it back: the webhook endpoint has already read it as
-- strict JSON (and verified its signature) before it is stored, and nothing queries inside it. As jsonb, every
-- insert parsed the whole event again and pglz-compressed it on the way into TOAST; together that was the largest
-- part of Postgres' CPU per ingested event (docs/BENCHMARKS.md, "The inbox payload as text": 220-275 us per event
-- before, 138-176 after). As text it also keeps Stripe's exact bytes (jsonb reordered keys and refused the JSON
-- escape \u0000).
--
-- STORAGE EXTERNAL: large values still go out of line into TOAST, but uncompressed. Payloads take more space than
-- pglz left them (JSON compresses well); the inbox is a queue of recent events, not an archive.
--
-- The type change rewrites the table under an exclusive lock (existing payloads become jsonb's text); on a large
-- inbox, run it in a quiet moment (docs/POSTGRES.md, Migrations).
ALTER TABLE webhook_inbox
    ALTER COLUMN payload TYPE text,
    ALTER COLUMN payload SET STORAGE EXTERNAL;
