-- Audit trail: who was linked to which Stripe customer, and every subscription status change, written by
-- triggers in the same transaction as the change itself (so a change and its audit row commit or vanish
-- together, whichever instance or tool made it).

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    entity      text        NOT NULL CHECK (entity IN ('customer', 'subscription')),
    entity_id   text        NOT NULL,
    action      text        NOT NULL,
    user_id     text,
    customer_id text,
    old_status  text,
    new_status  text,
    source_version bigint,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT audit_log_pkey PRIMARY KEY (id)
);
-- An entity's history in order.
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);

-- Trigger functions qualify the audit table: they run with the caller's search_path, not the migration's.
CREATE FUNCTION audit_customer_link() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id)
    VALUES ('customer', NEW.customer_id, 'linked', NEW.user_id, NEW.customer_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER customers_audit_link
    AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION audit_customer_link();

CREATE FUNCTION audit_subscription_status() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, old_status, new_status, source_version)
        VALUES ('subscription', NEW.id, 'created', NEW.customer_id, NULL, NEW.status, NEW.source_version);
    ELSE
        INSERT INTO ${flyway:defaultSchema}.audit_log
            (entity, entity_id, action, customer_id, old_status, new_status, source_version)
        VALUES ('subscription', NEW.id, 'status_changed', NEW.customer_id, OLD.status, NEW.status,
                NEW.source_version);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER subscriptions_audit_insert
    AFTER INSERT ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION audit_subscription_status();

CREATE TRIGGER subscriptions_audit_status
    AFTER UPDATE OF status ON subscriptions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION audit_subscription_status();
