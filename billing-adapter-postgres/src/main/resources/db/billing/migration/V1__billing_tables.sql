-- billing: the store of the Postgres adapter (dev.billing.postgres), from classpath:db/billing/migration (not
-- under db/migration, which a host's Flyway scans by default). Applied by Flyway into its own schema
-- (default "billing"; Flyway creates it and sets it as the search_path while migrating) with its own history
-- table (billing_schema_history), so it never meets a host application's tables or migrations.
--
-- Identifiers are text COLLATE "C": keyset pages order them byte-wise, which is Java's String order for the
-- ids Stripe and Clerk hand out, and the primary-key indexes serve those orders directly.
-- Every time is timestamptz (microseconds). Projection rows carry source_version = SourceVersion.key().

-- User <-> Stripe customer, one to one (I3): unique on both sides.
CREATE TABLE customers (
    user_id     text COLLATE "C" NOT NULL,
    customer_id text COLLATE "C" NOT NULL,
    email       text,
    created_at  timestamptz      NOT NULL,
    CONSTRAINT customers_pkey PRIMARY KEY (user_id),
    CONSTRAINT customers_customer_id_key UNIQUE (customer_id)
);

-- Subscription projection, written only by "upsert if newer" on source_version (I4).
CREATE TABLE subscriptions (
    id                   text COLLATE "C" NOT NULL,
    customer_id          text COLLATE "C" NOT NULL,
    status               text             NOT NULL,
    price_id             text,
    quantity             bigint           NOT NULL CHECK (quantity >= 0),
    current_period_start timestamptz,
    current_period_end   timestamptz,
    cancel_at_period_end boolean          NOT NULL,
    cancel_at            timestamptz,
    canceled_at          timestamptz,
    ended_at             timestamptz,
    trial_start          timestamptz,
    trial_end            timestamptz,
    created              timestamptz      NOT NULL,
    metadata             jsonb            NOT NULL DEFAULT '{}'::jsonb,
    source_version       bigint           NOT NULL,
    CONSTRAINT subscriptions_pkey PRIMARY KEY (id)
);
-- subscriptionsOf(customer): newest created first.
CREATE INDEX subscriptions_customer_created_idx ON subscriptions (customer_id, created DESC, id);

-- Invoice projection, same watermark rule.
CREATE TABLE invoices (
    id                 text COLLATE "C" NOT NULL,
    customer_id        text COLLATE "C" NOT NULL,
    subscription_id    text,
    status             text             NOT NULL,
    number             text,
    currency           text             NOT NULL,
    amount_due         bigint           NOT NULL,
    amount_paid        bigint           NOT NULL,
    amount_remaining   bigint           NOT NULL,
    hosted_invoice_url text,
    invoice_pdf        text,
    billing_reason     text,
    period_start       timestamptz,
    period_end         timestamptz,
    created            timestamptz      NOT NULL,
    source_version     bigint           NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id)
);
-- invoicesOf(customer): newest created first.
CREATE INDEX invoices_customer_created_idx ON invoices (customer_id, created DESC, id);

-- One-time purchases, insert-once by Checkout session id.
CREATE TABLE purchases (
    id                text COLLATE "C" NOT NULL,
    customer_id       text COLLATE "C" NOT NULL,
    price_id          text             NOT NULL,
    quantity          bigint           NOT NULL CHECK (quantity >= 1),
    currency          text             NOT NULL,
    amount_total      bigint           NOT NULL CHECK (amount_total >= 0),
    payment_intent_id text,
    purchased_at      timestamptz      NOT NULL,
    CONSTRAINT purchases_pkey PRIMARY KEY (id)
);
-- purchasesOf(customer): oldest first.
CREATE INDEX purchases_customer_purchased_idx ON purchases (customer_id, purchased_at, id);

-- The webhook inbox (I1, I2): one row per Stripe event id, claimed under a lease.
CREATE TABLE webhook_inbox (
    event_id         text COLLATE "C" NOT NULL,
    event_type       text             NOT NULL,
    event_created    timestamptz      NOT NULL,
    livemode         boolean          NOT NULL,
    api_version      text,
    object_id        text,
    object_type      text,
    payload          jsonb            NOT NULL,
    status           text             NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processed', 'ignored', 'failed')),
    attempts         integer          NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       text,
    received_at      timestamptz      NOT NULL,
    next_attempt_at  timestamptz,
    lease_owner      text,
    lease_expires_at timestamptz,
    processed_at     timestamptz,
    notified_at      timestamptz,
    CONSTRAINT webhook_inbox_pkey PRIMARY KEY (event_id)
);
-- claimDue: pending rows in event order; the due and lease tests filter along this (small) partial index.
CREATE INDEX webhook_inbox_due_idx ON webhook_inbox (event_created, event_id) WHERE status = 'pending';
-- list(status): newest received first, keyset on (received_at, event_id).
CREATE INDEX webhook_inbox_status_received_idx ON webhook_inbox (status, received_at DESC, event_id);
-- list(all statuses).
CREATE INDEX webhook_inbox_received_idx ON webhook_inbox (received_at DESC, event_id);

-- Usage counters per (user, meter, period start): incremented by one conditional upsert.
CREATE TABLE usage_counters (
    user_id      text COLLATE "C" NOT NULL,
    meter        text COLLATE "C" NOT NULL,
    period_start timestamptz      NOT NULL,
    period_end   timestamptz      NOT NULL,
    used         bigint           NOT NULL CHECK (used >= 0),
    updated_at   timestamptz      NOT NULL,
    CONSTRAINT usage_counters_pkey PRIMARY KEY (user_id, meter, period_start)
);

-- Idempotency keys of accepted increments, per user, with the answer they got (replayed on retry).
CREATE TABLE usage_keys (
    user_id         text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C" NOT NULL,
    meter           text             NOT NULL,
    period_start    timestamptz      NOT NULL,
    fingerprint     text             NOT NULL,
    amount          bigint           NOT NULL,
    used_after      bigint           NOT NULL,
    usage_limit     bigint           NOT NULL,
    created_at      timestamptz      NOT NULL,
    CONSTRAINT usage_keys_pkey PRIMARY KEY (user_id, idempotency_key)
);

-- Outbox of meter reports for Stripe Billing Meters, written in the increment's transaction.
CREATE TABLE meter_reports (
    identifier      text COLLATE "C" NOT NULL,
    event_name      text             NOT NULL,
    customer_id     text             NOT NULL,
    value           bigint           NOT NULL CHECK (value > 0),
    event_timestamp timestamptz      NOT NULL,
    attempts        integer          NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    next_attempt_at timestamptz,
    reported_at     timestamptz,
    CONSTRAINT meter_reports_pkey PRIMARY KEY (identifier)
);
-- claimReports and pendingReports: unreported rows in event order.
CREATE INDEX meter_reports_pending_idx ON meter_reports (event_timestamp, identifier) WHERE reported_at IS NULL;
