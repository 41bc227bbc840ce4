-- Audit trail with causes (AuditLog): every change of billing state once, with why it happened.
--
-- The projection's writes carry their cause in a `cause` column of the row they write (the Stripe event, the
-- request, the admin: AuditCause.text()); the triggers copy it into the trail in the write's own transaction. A
-- write that changes nothing (a duplicate or stale webhook: the watermark refuses it) fires no trigger, so each
-- change is recorded once by construction, and a group-committed multi-row upsert still records each row's own
-- cause. What is not a row change (a replay, a reconcile, a refund, an erasure, a failed payment) is inserted by
-- JdbiAuditLog as an `explicit` row, unique on (entity, action, entity id, cause), so a reprocessed event or a
-- retried request records it once.
--
-- Rows name a user only on customer links and erasures (user_id, pseudonymised with the link: V8); `detail` holds
-- small facts (prices, quantities, statuses, amounts) as text, never metadata or emails.
--
-- V10 is another change's. Every statement may run again (MigrationsIT replays the latest migration) and changes
-- nothing the second time.

ALTER TABLE customers ADD COLUMN IF NOT EXISTS cause text;
ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS cause text;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS cause text;
ALTER TABLE purchases ADD COLUMN IF NOT EXISTS cause text;

ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS cause text;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS detail jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS explicit boolean NOT NULL DEFAULT false;
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_entity_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_entity_check
    CHECK (entity IN ('customer', 'subscription', 'invoice', 'purchase', 'refund', 'event', 'account'));
-- An explicit entry once per cause (ON CONFLICT ... WHERE explicit DO NOTHING infers this index).
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_explicit_key ON audit_log (entity, action, entity_id, cause)
    WHERE explicit;
-- The listing by customer (and by user: the user's rows through audit_log_user_idx, V8, or its customer's), newest
-- first; the unfiltered listing walks the primary key backwards.
CREATE INDEX IF NOT EXISTS audit_log_customer_idx ON audit_log (customer_id, id) WHERE customer_id IS NOT NULL;

-- Qualified like V2's functions: triggers run with the caller's search_path.
CREATE OR REPLACE FUNCTION audit_customer_link() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.customer_id, 'linked', NEW.user_id, NEW.customer_id, NEW.cause);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_customer_pseudonymised() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.customer_id, 'pseudonymised', NEW.user_id, NEW.customer_id, NEW.cause);
    RETURN NULL;
END;
$$;

-- One row per audited change of an upsert that applied: status (ending is 'canceled'), price, quantity, and a
-- cancellation scheduled or withdrawn while the subscription runs. old_status/new_status stay columns (V2).
CREATE OR REPLACE FUNCTION audit_subscription_status() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    was_scheduled boolean;
    scheduled     boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, old_status, new_status, source_version, cause, detail)
        VALUES ('subscription', NEW.id, 'created', NEW.customer_id, NULL, NEW.status, NEW.source_version, NEW.cause,
                jsonb_strip_nulls(jsonb_build_object('price_id', NEW.price_id, 'quantity', NEW.quantity::text)));
        RETURN NULL;
    END IF;
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, old_status, new_status, source_version, cause)
        VALUES ('subscription', NEW.id,
                CASE WHEN NEW.status IN ('canceled', 'incomplete_expired') THEN 'canceled' ELSE 'status_changed' END,
                NEW.customer_id, OLD.status, NEW.status, NEW.source_version, NEW.cause);
    END IF;
    IF OLD.price_id IS DISTINCT FROM NEW.price_id THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, source_version, cause, detail)
        VALUES ('subscription', NEW.id, 'plan_changed', NEW.customer_id, NEW.source_version, NEW.cause,
                jsonb_strip_nulls(jsonb_build_object('old_price_id', OLD.price_id, 'new_price_id', NEW.price_id)));
    END IF;
    IF OLD.quantity <> NEW.quantity THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, source_version, cause, detail)
        VALUES ('subscription', NEW.id, 'quantity_changed', NEW.customer_id, NEW.source_version, NEW.cause,
                jsonb_build_object('old_quantity', OLD.quantity::text, 'new_quantity', NEW.quantity::text));
    END IF;
    was_scheduled := OLD.cancel_at_period_end OR OLD.cancel_at IS NOT NULL;
    scheduled := NEW.cancel_at_period_end OR NEW.cancel_at IS NOT NULL;
    IF was_scheduled <> scheduled AND NEW.status NOT IN ('canceled', 'incomplete_expired') THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, source_version, cause, detail)
        VALUES ('subscription', NEW.id, CASE WHEN scheduled THEN 'cancel_scheduled' ELSE 'resumed' END,
                NEW.customer_id, NEW.source_version, NEW.cause,
                jsonb_build_object('cancel_at_period_end', NEW.cancel_at_period_end::text));
    END IF;
    RETURN NULL;
END;
$$;

-- The WHEN clause keeps the trigger function out of updates that change nothing the trail records (period
-- renewals, metadata): the webhook hot path pays a comparison, not a call.
DROP TRIGGER IF EXISTS subscriptions_audit_status ON subscriptions;
DROP TRIGGER IF EXISTS subscriptions_audit_update ON subscriptions;
CREATE TRIGGER subscriptions_audit_update
    AFTER UPDATE ON subscriptions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.price_id IS DISTINCT FROM NEW.price_id
        OR OLD.quantity <> NEW.quantity OR OLD.cancel_at_period_end <> NEW.cancel_at_period_end
        OR (OLD.cancel_at IS NULL) <> (NEW.cancel_at IS NULL))
    EXECUTE FUNCTION audit_subscription_status();

-- An invoice is audited when it becomes paid (inserted paid, or updated to paid).
CREATE OR REPLACE FUNCTION audit_invoice_paid() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('invoice', NEW.id, 'paid', NEW.customer_id, NEW.cause,
            jsonb_build_object('amount_paid', NEW.amount_paid::text, 'currency', NEW.currency));
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS invoices_audit_paid_insert ON invoices;
CREATE TRIGGER invoices_audit_paid_insert
    AFTER INSERT ON invoices
    FOR EACH ROW WHEN (NEW.status = 'paid')
    EXECUTE FUNCTION audit_invoice_paid();
DROP TRIGGER IF EXISTS invoices_audit_paid_update ON invoices;
CREATE TRIGGER invoices_audit_paid_update
    AFTER UPDATE ON invoices
    FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid')
    EXECUTE FUNCTION audit_invoice_paid();

CREATE OR REPLACE FUNCTION audit_purchase() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    VALUES ('purchase', NEW.id, 'recorded', NEW.customer_id, NEW.cause,
            jsonb_build_object('price_id', NEW.price_id, 'quantity', NEW.quantity::text,
                               'amount_total', NEW.amount_total::text, 'currency', NEW.currency));
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS purchases_audit_insert ON purchases;
CREATE TRIGGER purchases_audit_insert
    AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION audit_purchase();
