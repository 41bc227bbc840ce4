-- billing 021: service API keys (ServiceKeyStore): what another backend of the product calls the API with. A row
-- keeps the key's id (its public prefix, bsk_ and 16 hex digits), what the operator named it, its scopes
-- (space-separated), the SHA-256 of the whole key (never the key), and when it was created, expires, was last rotated
-- and was revoked. Found by id on each request that carries a key. No user is named here: the party a key acts for
-- is per request, so neither the export nor the erasure reads this table. New table. This script comes after 005
-- and so locks its own table and function down the same way (RLS without policy, service_role only). 022 may be
-- another change's. Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_service_keys (
  id          text COLLATE "C" PRIMARY KEY CHECK (id ~ '^bsk_[0-9a-f]{16}$'),
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  scopes      text        NOT NULL CHECK (scopes <> ''),
  secret_hash text        NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  rotated_at  timestamptz,
  revoked_at  timestamptz
);

-- Migration: writes the key exactly as given, inserting it or replacing a row that differs; true when it wrote.
CREATE OR REPLACE FUNCTION public.billing_service_keys_restore(p_key jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_service_keys AS k (id, name, scopes, secret_hash, created_at, expires_at, rotated_at,
                                                 revoked_at)
  SELECT r.id, r.name, r.scopes, r.secret_hash, r.created_at, r.expires_at, r.rotated_at, r.revoked_at
    FROM jsonb_populate_record(NULL::public.billing_service_keys, p_key) AS r
  ON CONFLICT (id) DO UPDATE
     SET name = EXCLUDED.name, scopes = EXCLUDED.scopes, secret_hash = EXCLUDED.secret_hash,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, rotated_at = EXCLUDED.rotated_at,
         revoked_at = EXCLUDED.revoked_at
   WHERE (k.name, k.scopes, k.secret_hash, k.created_at, k.expires_at, k.rotated_at, k.revoked_at)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.scopes, EXCLUDED.secret_hash, EXCLUDED.created_at,
          EXCLUDED.expires_at, EXCLUDED.rotated_at, EXCLUDED.revoked_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- Creating, rotating and revoking a key are audited (explicit entries of entity service_key through
-- billing_audit_record; never the secret). 011's check on the entity grows by it, once: the new set is a superset of
-- the old, so NOT VALID spares a scan of the whole trail under the table's lock.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint
                  WHERE conrelid = 'public.billing_audit_log'::regclass
                    AND conname = 'billing_audit_log_entity_check'
                    AND pg_get_constraintdef(oid) LIKE '%service_key%') THEN
    ALTER TABLE public.billing_audit_log DROP CONSTRAINT IF EXISTS billing_audit_log_entity_check;
    ALTER TABLE public.billing_audit_log ADD CONSTRAINT billing_audit_log_entity_check
      CHECK (entity IN ('customer', 'subscription', 'invoice', 'purchase', 'refund', 'event', 'account',
                        'service_key')) NOT VALID;
  END IF;
END
$$;

-- Who may touch them: as 005 does for the other billing tables and functions.
ALTER TABLE public.billing_service_keys ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_service_keys FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_service_keys TO service_role;

REVOKE ALL ON FUNCTION public.billing_service_keys_restore
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_service_keys_restore
  TO service_role;

NOTIFY pgrst, 'reload schema';
