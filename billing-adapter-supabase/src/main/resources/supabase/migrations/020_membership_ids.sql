-- billing 020: Clerk's own id of each organization membership (orgmem_...), kept with the record (MembershipStore):
-- a later event finds its record by it whatever erasure did to the user id (it moves the record to the pseudonym),
-- so an erased member's removal still lowers the member count. Records stored before have none (NULL) and are
-- found by organization and user, or the user's pseudonym. One membership, one record: unique where known.
-- CREATE OR REPLACE keeps 006's and 008's grants. Idempotent.

ALTER TABLE public.billing_org_members ADD COLUMN IF NOT EXISTS membership_id text COLLATE "C";
DO $$
BEGIN
  IF to_regclass('public.billing_org_members_membership_idx') IS NULL THEN
    CREATE UNIQUE INDEX billing_org_members_membership_idx
      ON public.billing_org_members (membership_id) WHERE membership_id IS NOT NULL;
  END IF;
END
$$;

-- Finds the row the change is about (by membership id, else organization and user, else organization and the
-- user's pseudonym, which p_member carries as "pseudonym") and writes the change onto that row's key iff it
-- supersedes the row (a later changed_at, or at the same instant a removal over an active row: OrgMember.supersedes),
-- or inserts it when there is none; an erased member's row keeps its pseudonym. True when it wrote. ON CONFLICT locks
-- the row and re-checks the WHERE against it, so racing and repeated deliveries end on the same row; a racing writer
-- that took the membership id under another key first makes the statement fail, and it runs again (on a new
-- snapshot, which finds that row).
CREATE OR REPLACE FUNCTION public.billing_members_apply(p_member jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  r public.billing_org_members;
  v_pseudonym text := p_member ->> 'pseudonym';
  v_org text;
  v_user text;
  v_written integer;
BEGIN
  r := jsonb_populate_record(NULL::public.billing_org_members, p_member);
  FOR v_attempt IN 1..3 LOOP
    SELECT f.org_id, f.user_id INTO v_org, v_user
      FROM (SELECT m.org_id, m.user_id, 1 AS rank FROM public.billing_org_members m
             WHERE m.membership_id = r.membership_id
            UNION ALL
            SELECT m.org_id, m.user_id, 2 FROM public.billing_org_members m
             WHERE m.org_id = r.org_id AND m.user_id = r.user_id
            UNION ALL
            SELECT m.org_id, m.user_id, 3 FROM public.billing_org_members m
             WHERE m.org_id = r.org_id AND m.user_id = v_pseudonym) f
     ORDER BY f.rank
     LIMIT 1;
    BEGIN
      INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id,
                                                   membership_id)
      VALUES (coalesce(v_org, r.org_id), coalesce(v_user, r.user_id), r.role, r.active, r.changed_at, r.event_id,
              r.membership_id)
      ON CONFLICT (org_id, user_id) DO UPDATE
         SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
             event_id = EXCLUDED.event_id, membership_id = coalesce(EXCLUDED.membership_id, m.membership_id)
       WHERE EXCLUDED.changed_at > m.changed_at
          OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active);
      GET DIAGNOSTICS v_written = ROW_COUNT;
      RETURN v_written = 1;
    EXCEPTION WHEN unique_violation THEN
      IF v_attempt = 3 THEN
        RAISE;
      END IF;
    END;
  END LOOP;
  RETURN false;
END
$$;

-- Writes a membership exactly as given (a migration): inserts it, or replaces the stored row when it differs; the
-- same membership under another key (copied before an erasure moved it) gives way to it. True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_members_restore(p_member jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  r public.billing_org_members;
  v_written integer;
BEGIN
  r := jsonb_populate_record(NULL::public.billing_org_members, p_member);
  IF r.membership_id IS NOT NULL THEN
    DELETE FROM public.billing_org_members m
     WHERE m.membership_id = r.membership_id AND (m.org_id, m.user_id) <> (r.org_id, r.user_id);
  END IF;
  INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id, membership_id)
  VALUES (r.org_id, r.user_id, r.role, r.active, r.changed_at, r.event_id, r.membership_id)
  ON CONFLICT (org_id, user_id) DO UPDATE
     SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
         event_id = EXCLUDED.event_id, membership_id = EXCLUDED.membership_id
   WHERE (m.role, m.active, m.changed_at, m.event_id, m.membership_id)
         IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.active, EXCLUDED.changed_at, EXCLUDED.event_id,
                           EXCLUDED.membership_id);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  RETURN v_written = 1;
END
$$;

-- Erasure (as in 008), the membership id moving with the record: the user's membership records move to the
-- pseudonym; where the pseudonym already has a record in the organization, the one that supersedes stays. How many
-- of the user's records moved.
CREATE OR REPLACE FUNCTION public.billing_members_pseudonymise(p_user_id text, p_pseudonym text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_moved integer;
BEGIN
  IF p_user_id = p_pseudonym THEN
    RETURN 0;
  END IF;
  WITH gone AS (
    DELETE FROM public.billing_org_members o WHERE o.user_id = p_user_id RETURNING o.*
  ), moved AS (
    INSERT INTO public.billing_org_members AS m (org_id, user_id, role, active, changed_at, event_id,
                                                 membership_id)
    SELECT g.org_id, p_pseudonym, g.role, g.active, g.changed_at, g.event_id, g.membership_id
      FROM gone g
    ON CONFLICT (org_id, user_id) DO UPDATE
       SET role = EXCLUDED.role, active = EXCLUDED.active, changed_at = EXCLUDED.changed_at,
           event_id = EXCLUDED.event_id, membership_id = coalesce(EXCLUDED.membership_id, m.membership_id)
     WHERE EXCLUDED.changed_at > m.changed_at
        OR (EXCLUDED.changed_at = m.changed_at AND NOT EXCLUDED.active AND m.active)
  )
  SELECT count(*) INTO v_moved FROM gone;
  RETURN v_moved;
END
$$;

NOTIFY pgrst, 'reload schema';
