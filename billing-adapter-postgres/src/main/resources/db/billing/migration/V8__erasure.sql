-- Personal data erasure (CustomerStore.pseudonymise and the other stores' pseudonymise/redact): an erased account's
-- customer link stays, under a pseudonym (erased_...), without its email, so that its Stripe customer stays taken.
--
-- The audit trail must keep no trace of the erased account id either: JdbiCustomerStore.pseudonymise replaces it by
-- the pseudonym in audit_log.user_id in the same transaction as the link, and the change of the link itself is
-- audited here, naming the pseudonym only.
--
-- Every statement may run again (a lost history row, as MigrationsIT replays the latest migration) and changes
-- nothing the second time: CREATE OR REPLACE, the trigger dropped and created in this migration's transaction,
-- IF NOT EXISTS.

-- A link whose user changes (only pseudonymise does that) is audited as 'pseudonymised', with the new user id: the
-- old one is what is being erased. Qualified like V2's functions: triggers run with the caller's search_path.
CREATE OR REPLACE FUNCTION audit_customer_pseudonymised() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id)
    VALUES ('customer', NEW.customer_id, 'pseudonymised', NEW.user_id, NEW.customer_id);
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS customers_audit_pseudonymise ON customers;
CREATE TRIGGER customers_audit_pseudonymise
    AFTER UPDATE OF user_id ON customers
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION audit_customer_pseudonymised();

-- pseudonymise finds the erased user's audit rows through this index instead of reading the whole trail (which
-- grows with every subscription status change). Partial: only the customer rows carry a user id, so it stays as
-- small as the customers table. A plain CREATE INDEX (Flyway's transaction refuses CONCURRENTLY): it blocks writes to
-- audit_log, i.e. new links and status changes, while it reads the table once. IF NOT EXISTS: applying it again
-- (a lost history row), or over an index built beforehand, changes nothing.
CREATE INDEX IF NOT EXISTS audit_log_user_idx ON audit_log (user_id) WHERE user_id IS NOT NULL;
