-- Clerk's own id of each organization membership (orgmem_...), kept with the record (MembershipStore): a later
-- event finds its record by it whatever erasure did to the user id (it moves the record to the pseudonym), so an
-- erased member's removal still lowers the member count. Records stored before have none (NULL) and are found by
-- organization and user, or the user's pseudonym. One membership, one record: unique where known. The table is
-- small (one row per member); building the index locks it briefly. IF NOT EXISTS: applying it again changes
-- nothing.
ALTER TABLE org_members ADD COLUMN IF NOT EXISTS membership_id text COLLATE "C";
CREATE UNIQUE INDEX IF NOT EXISTS org_members_membership_idx ON org_members (membership_id)
    WHERE membership_id IS NOT NULL;
