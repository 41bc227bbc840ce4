-- Refunds of the customers' payments (SubscriptionStore.upsertRefund), projected from refund.created/updated and
-- charge.refunded like subscriptions and invoices: one row per Stripe refund, written iff its source_version is
-- newer (a pending refund that succeeded never goes back to pending). No personal data: ids, amounts, statuses.
-- Every statement may run again and changes nothing the second time.
CREATE TABLE IF NOT EXISTS refunds (
    id                text COLLATE "C" NOT NULL,
    customer_id       text COLLATE "C" NOT NULL,
    charge_id         text,
    payment_intent_id text,
    amount            bigint           NOT NULL CHECK (amount >= 0),
    currency          text             NOT NULL,
    status            text             NOT NULL,
    reason            text,
    created           timestamptz      NOT NULL,
    source_version    bigint           NOT NULL,
    CONSTRAINT refunds_pkey PRIMARY KEY (id)
);
-- refundsOf(customer), newest first, and what each purchase and invoice of the customer had refunded.
CREATE INDEX IF NOT EXISTS refunds_customer_created_idx ON refunds (customer_id, created DESC, id);
