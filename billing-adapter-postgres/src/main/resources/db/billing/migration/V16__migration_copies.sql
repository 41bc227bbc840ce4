-- A store-to-store copy (MigrateStores, billing-server migrate-supabase) brings the source's audit trail itself, with
-- each entry's own id, time and cause (JdbiAuditLog.restore): so the copy's own projection writes, which carry the
-- cause 'system:migration' (AuditCause.MIGRATION), must not add entries of their own, or the trail would hold every
-- copied change twice. The audit triggers of V11 are created again with that one condition added to their WHEN
-- clauses; the functions are unchanged. An erasure (V8's pseudonymise trigger) is never a copy's write.
--
-- Every statement may run again (MigrationsIT replays the latest migration) and changes nothing the second time: each
-- trigger is dropped and created in this migration's transaction.

DROP TRIGGER IF EXISTS customers_audit_link ON customers;
CREATE TRIGGER customers_audit_link
    AFTER INSERT ON customers
    FOR EACH ROW WHEN (NEW.cause IS DISTINCT FROM 'system:migration')
    EXECUTE FUNCTION audit_customer_link();

DROP TRIGGER IF EXISTS subscriptions_audit_insert ON subscriptions;
CREATE TRIGGER subscriptions_audit_insert
    AFTER INSERT ON subscriptions
    FOR EACH ROW WHEN (NEW.cause IS DISTINCT FROM 'system:migration')
    EXECUTE FUNCTION audit_subscription_status();

DROP TRIGGER IF EXISTS subscriptions_audit_update ON subscriptions;
CREATE TRIGGER subscriptions_audit_update
    AFTER UPDATE ON subscriptions
    FOR EACH ROW WHEN (NEW.cause IS DISTINCT FROM 'system:migration'
        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.price_id IS DISTINCT FROM NEW.price_id
            OR OLD.quantity <> NEW.quantity OR OLD.cancel_at_period_end <> NEW.cancel_at_period_end
            OR (OLD.cancel_at IS NULL) <> (NEW.cancel_at IS NULL)))
    EXECUTE FUNCTION audit_subscription_status();

DROP TRIGGER IF EXISTS invoices_audit_paid_insert ON invoices;
CREATE TRIGGER invoices_audit_paid_insert
    AFTER INSERT ON invoices
    FOR EACH ROW WHEN (NEW.status = 'paid' AND NEW.cause IS DISTINCT FROM 'system:migration')
    EXECUTE FUNCTION audit_invoice_paid();

DROP TRIGGER IF EXISTS invoices_audit_paid_update ON invoices;
CREATE TRIGGER invoices_audit_paid_update
    AFTER UPDATE ON invoices
    FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid'
        AND NEW.cause IS DISTINCT FROM 'system:migration')
    EXECUTE FUNCTION audit_invoice_paid();

DROP TRIGGER IF EXISTS purchases_audit_insert ON purchases;
CREATE TRIGGER purchases_audit_insert
    AFTER INSERT ON purchases
    FOR EACH ROW WHEN (NEW.cause IS DISTINCT FROM 'system:migration')
    EXECUTE FUNCTION audit_purchase();
