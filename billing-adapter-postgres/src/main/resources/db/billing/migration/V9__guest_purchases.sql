-- Purchases made without an account (GuestPurchaseStore): a guest's paid Checkout session, kept against the email
-- the buyer gave Stripe until a signed-in user with that email, verified, claims it (claimed_by, claimed_at; NULL
-- until then, and set together). Insert-once by session id. The email arrives normalised (GuestPurchase.normalise:
-- stripped, lower-case), so equality finds it whatever case the buyer typed. It is personal data.
-- IF NOT EXISTS: applying it again (a lost history row) changes nothing.
CREATE TABLE IF NOT EXISTS guest_purchases (
    session_id   text COLLATE "C" NOT NULL,
    -- Compared for equality only: "C" compares bytes, which is cheaper and never depends on the database's locale.
    email        text COLLATE "C" NOT NULL,
    price_id     text             NOT NULL,
    quantity     bigint           NOT NULL,
    currency     text,
    amount_total bigint           NOT NULL CHECK (amount_total >= 0),
    customer_id  text,
    purchased_at timestamptz      NOT NULL,
    claimed_by   text,
    claimed_at   timestamptz,
    CONSTRAINT guest_purchases_pkey PRIMARY KEY (session_id),
    CONSTRAINT guest_purchases_claimed_check CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))
);
-- claim(email) and ofEmail(email): one email's few rows, then sorted by purchase time. Only the column, to keep the
-- index and every insert cheap: sorting one buyer's purchases costs nothing. A new table is empty, so this plain
-- CREATE INDEX blocks nothing for long.
CREATE INDEX IF NOT EXISTS guest_purchases_email_idx ON guest_purchases (email);
-- claimedBy(user) and erasure: a user's claimed purchases; most rows are claimed once and read rarely.
CREATE INDEX IF NOT EXISTS guest_purchases_claimed_idx ON guest_purchases (claimed_by) WHERE claimed_by IS NOT NULL;
