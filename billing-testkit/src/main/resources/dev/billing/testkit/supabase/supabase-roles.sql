-- Cluster-wide part of a Supabase-like project (roles are shared by all databases of a server).
-- Idempotent, and tolerant of another fixture creating the same roles concurrently.
DO $$
BEGIN
  BEGIN CREATE ROLE anon NOLOGIN NOINHERIT;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  BEGIN CREATE ROLE authenticated NOLOGIN NOINHERIT;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  BEGIN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  BEGIN CREATE ROLE authenticator LOGIN NOINHERIT;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
END
$$;
ALTER ROLE service_role BYPASSRLS;
ALTER ROLE authenticator WITH LOGIN NOINHERIT PASSWORD '${authenticator_password}';
GRANT anon, authenticated, service_role TO authenticator;
