-- Organization memberships kept from Clerk's membership events (MembershipStore), one row per organization and
-- user. A removed member stays as an inactive row, so that an older "created" arriving late cannot bring the member
-- back; a change is written only when it supersedes the row (later changed_at, or at the same instant a removal),
-- decided by the upsert's WHERE on the locked row. IF NOT EXISTS: applying it again (a lost history row) changes
-- nothing.
CREATE TABLE IF NOT EXISTS org_members (
    org_id     text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL,
    role       text,
    active     boolean          NOT NULL,
    changed_at timestamptz      NOT NULL,
    event_id   text             NOT NULL,
    CONSTRAINT org_members_pkey PRIMARY KEY (org_id, user_id)
);
-- countActive(org): an index-only count over the active members of one organization.
CREATE INDEX IF NOT EXISTS org_members_active_idx ON org_members (org_id) WHERE active;
