-- billing 006: organization memberships kept from Clerk's membership events (MembershipStore), one row per
-- organization and user. A removed member stays as an inactive row, so that an older "created" arriving late cannot
-- bring the member back. New table. This script comes after 005 and so locks its own table and functions down the
-- same way (RLS without policy, service_role only). Idempotent.

CREATE TABLE IF NOT EXISTS public.billing_org_members (
  org_id     text COLLATE "C" NOT NULL,
  user_id    text COLLATE "C" NOT NULL,
  role       text,
  active     boolean          NOT NULL,
  changed_at timestamptz      NOT NULL,
  event_id   text             NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
-- Counting an organization's active members reads this small index only.
CREATE INDEX IF NOT EXISTS billing_org_members_active_idx ON public.billing_org_members (org_id) WHERE active;

-- Writes the change iff there is no row or it supersedes the stored one (a later changed_at, or at the same instant
-- a removal over an active row: OrgMember.supersedes); true when it wrote. Atomic: ON CONFLICT locks the row and
-- re-checks the WHERE against it, so racing and repeated deliveries end on the same row.
CREATE OR REPLACE FUNCTION public.billing_members_apply(p_member jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id)
  SELECT r.org_id, r.user_id, r.role, r.active, r.changed_at, r.event_id
    FROM jsonb_populate_record(NULL::public.billing_org_members, p_member) AS r
  ON CONFLICT (org_id, user_id) DO UPDATE
     SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
         event_id = EXCLUDED.event_id
   WHERE EXCLUDED.changed_at > m.changed_at
      OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- Writes a membership exactly as given (a migration): inserts it, or replaces the stored row when it differs.
-- True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_members_restore(p_member jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
BEGIN
  INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id)
  SELECT r.org_id, r.user_id, r.role, r.active, r.changed_at, r.event_id
    FROM jsonb_populate_record(NULL::public.billing_org_members, p_member) AS r
  ON CONFLICT (org_id, user_id) DO UPDATE
     SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
         event_id = EXCLUDED.event_id
   WHERE (m.role, m.active, m.changed_at, m.event_id)
         IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.active, EXCLUDED.changed_at, EXCLUDED.event_id);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- Memberships after an (organization, user) keyset cursor, in that order (byte order: the key is COLLATE "C").
CREATE OR REPLACE FUNCTION public.billing_members_list(p_after_org text, p_after_user text, p_limit integer)
RETURNS SETOF public.billing_org_members
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT m.*
    FROM public.billing_org_members m
   WHERE p_after_org IS NULL OR (m.org_id, m.user_id) > (p_after_org, p_after_user)
   ORDER BY m.org_id, m.user_id
   LIMIT p_limit
$$;

-- Who may touch them: as 005 does for the other billing tables and functions.
ALTER TABLE public.billing_org_members ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.billing_org_members FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.billing_org_members TO service_role;

REVOKE ALL ON FUNCTION public.billing_members_apply, public.billing_members_restore,
                       public.billing_members_list
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_members_apply, public.billing_members_restore,
                          public.billing_members_list
  TO service_role;

NOTIFY pgrst, 'reload schema';
