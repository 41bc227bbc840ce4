-- The audit triggers fire once per statement instead of once per row.
--
-- A row trigger runs its PL/pgSQL function and one INSERT for every audited row: for a group-committed upsert of 25
-- subscriptions that is 25 function calls and 25 single-row statements, about 16% of Postgres' CPU per ingested
-- webhook in the ingest bench's profile (docs/BENCHMARKS.md). A statement trigger sees the statement's rows as
-- transition tables and writes all their entries with one INSERT ... SELECT: the same entries (same columns, causes
-- and details), in the same order (row by row in the order the statement wrote them, and for one row status, plan,
-- quantity, then schedule, as V11's function did), about half the cost (25-row upserts, 40,000 changes: 1.6 s of
-- trigger work -> 0.5 s). The conditions of V11's and V16's WHEN clauses move into the SELECTs: a write that changes
-- nothing audited still records nothing, and a store-to-store copy's writes (cause system:migration) still record
-- nothing. An INSERT ... ON CONFLICT DO UPDATE gives its inserted rows to the INSERT trigger and its updated rows to
-- the UPDATE trigger; a refused update (the version watermark) is in neither.
--
-- V8's pseudonymise trigger (an UPDATE OF user_id, erasure only) stays a row trigger. Every statement may run again
-- (MigrationsIT replays the latest migration) and changes nothing the second time.

CREATE OR REPLACE FUNCTION audit_customers_linked() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id, cause)
    SELECT 'customer', n.customer_id, 'linked', n.user_id, n.customer_id, n.cause
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n
    WHERE n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_subscriptions_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log
        (entity, entity_id, action, customer_id, old_status, new_status, source_version, cause, detail)
    SELECT 'subscription', n.id, 'created', n.customer_id, NULL, n.status, n.source_version, n.cause,
           jsonb_strip_nulls(jsonb_build_object('price_id', n.price_id, 'quantity', n.quantity::text))
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n
    WHERE n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_subscriptions_updated() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    WITH p AS (
        SELECT n.rn, n.id, n.customer_id, n.status, n.price_id, n.quantity, n.cancel_at_period_end,
               n.source_version, n.cause, o.status AS old_status, o.price_id AS old_price_id,
               o.quantity AS old_quantity, o.cancel_at_period_end OR o.cancel_at IS NOT NULL AS was_scheduled,
               n.cancel_at_period_end OR n.cancel_at IS NOT NULL AS scheduled
        FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n JOIN old_rows o ON o.id = n.id
        WHERE n.cause IS DISTINCT FROM 'system:migration'
    )
    INSERT INTO ${flyway:defaultSchema}.audit_log
        (entity, entity_id, action, customer_id, old_status, new_status, source_version, cause, detail)
    SELECT 'subscription', e.id, e.action, e.customer_id, e.old_status, e.new_status, e.source_version, e.cause,
           e.detail
    FROM (
        SELECT rn, 1 AS kind, id,
               CASE WHEN status IN ('canceled', 'incomplete_expired') THEN 'canceled' ELSE 'status_changed' END
                   AS action,
               customer_id, old_status, status AS new_status, source_version, cause, '{}'::jsonb AS detail
        FROM p WHERE old_status IS DISTINCT FROM status
        UNION ALL
        SELECT rn, 2, id, 'plan_changed', customer_id, NULL, NULL, source_version, cause,
               jsonb_strip_nulls(jsonb_build_object('old_price_id', old_price_id, 'new_price_id', price_id))
        FROM p WHERE old_price_id IS DISTINCT FROM price_id
        UNION ALL
        SELECT rn, 3, id, 'quantity_changed', customer_id, NULL, NULL, source_version, cause,
               jsonb_build_object('old_quantity', old_quantity::text, 'new_quantity', quantity::text)
        FROM p WHERE old_quantity <> quantity
        UNION ALL
        SELECT rn, 4, id, CASE WHEN scheduled THEN 'cancel_scheduled' ELSE 'resumed' END, customer_id, NULL, NULL,
               source_version, cause, jsonb_build_object('cancel_at_period_end', cancel_at_period_end::text)
        FROM p WHERE was_scheduled <> scheduled AND status NOT IN ('canceled', 'incomplete_expired')
    ) AS e
    ORDER BY e.rn, e.kind;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_invoices_inserted() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    SELECT 'invoice', n.id, 'paid', n.customer_id, n.cause,
           jsonb_build_object('amount_paid', n.amount_paid::text, 'currency', n.currency)
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n
    WHERE n.status = 'paid' AND n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_invoices_updated() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    SELECT 'invoice', n.id, 'paid', n.customer_id, n.cause,
           jsonb_build_object('amount_paid', n.amount_paid::text, 'currency', n.currency)
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n JOIN old_rows o ON o.id = n.id
    WHERE n.status = 'paid' AND o.status IS DISTINCT FROM 'paid' AND n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_purchases_recorded() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, customer_id, cause, detail)
    SELECT 'purchase', n.id, 'recorded', n.customer_id, n.cause,
           jsonb_build_object('price_id', n.price_id, 'quantity', n.quantity::text,
                              'amount_total', n.amount_total::text, 'currency', n.currency)
    FROM (SELECT row_number() OVER () AS rn, r.* FROM new_rows r) AS n
    WHERE n.cause IS DISTINCT FROM 'system:migration'
    ORDER BY n.rn;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS customers_audit_link ON customers;
CREATE TRIGGER customers_audit_link
    AFTER INSERT ON customers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_customers_linked();

DROP TRIGGER IF EXISTS subscriptions_audit_insert ON subscriptions;
CREATE TRIGGER subscriptions_audit_insert
    AFTER INSERT ON subscriptions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_subscriptions_inserted();

DROP TRIGGER IF EXISTS subscriptions_audit_update ON subscriptions;
CREATE TRIGGER subscriptions_audit_update
    AFTER UPDATE ON subscriptions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_subscriptions_updated();

DROP TRIGGER IF EXISTS invoices_audit_paid_insert ON invoices;
CREATE TRIGGER invoices_audit_paid_insert
    AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_invoices_inserted();

DROP TRIGGER IF EXISTS invoices_audit_paid_update ON invoices;
CREATE TRIGGER invoices_audit_paid_update
    AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_invoices_updated();

DROP TRIGGER IF EXISTS purchases_audit_insert ON purchases;
CREATE TRIGGER purchases_audit_insert
    AFTER INSERT ON purchases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_purchases_recorded();

-- V11's row functions have no trigger left.
DROP FUNCTION IF EXISTS audit_customer_link();
DROP FUNCTION IF EXISTS audit_subscription_status();
DROP FUNCTION IF EXISTS audit_invoice_paid();
DROP FUNCTION IF EXISTS audit_purchase();
