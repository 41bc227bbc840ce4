-- Service API keys (ServiceKeyStore): what another backend of the product calls the API with. A row keeps the key's
-- id (its public prefix, bsk_ and 16 hex digits), what the operator named it, its scopes (space-separated, e.g.
-- "entitlements:read usage:write"), the SHA-256 of the whole key (never the key), and when it was created, expires,
-- was last rotated and was revoked. Found by id, one row per request that carries a key (the primary key).
-- No user is named here: the party a key acts for is per request, so neither the export nor the erasure reads this
-- table. V23 may be another change's. IF NOT EXISTS: applying it again changes nothing.
CREATE TABLE IF NOT EXISTS service_keys (
    id          text COLLATE "C" PRIMARY KEY CHECK (id ~ '^bsk_[0-9a-f]{16}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scopes      text NOT NULL CHECK (scopes <> ''),
    secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);

-- Creating, rotating and revoking a key are audited (explicit entries of entity service_key, the admin request or
-- the CLI command as cause; never the secret). The new set is a superset of the old, so the rows there are satisfy
-- it: NOT VALID spares a scan of the whole trail under the table's lock.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
    CHECK (entity IN ('customer', 'subscription', 'invoice', 'purchase', 'refund', 'event', 'account', 'service_key'))
    NOT VALID;
