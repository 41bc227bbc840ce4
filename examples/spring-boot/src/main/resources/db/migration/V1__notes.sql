-- The shop's own table, migrated by the shop's Flyway (history in public.flyway_schema_history). Billing's tables
-- live in the billing schema with their own history table, and neither Flyway sees the other's migrations.
CREATE TABLE notes (
    id      bigserial PRIMARY KEY,
    user_id text NOT NULL,
    body    text NOT NULL
);
