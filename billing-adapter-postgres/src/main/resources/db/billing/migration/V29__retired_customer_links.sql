-- A Stripe customer deleted at Stripe (CustomerStore.retire, RetireDeletedCustomer): its link moves in place to a
-- holder id, the account's id with '~deleted_' and a number (UserId.retiredLink), so the account can link a new
-- customer while the deleted one stays taken and its rows stay the account's. No new column or table.
--
-- V8's trigger audits every change of a link's user as 'pseudonymised', naming the new id. A retirement is not an
-- erasure: it is audited as 'deleted', naming the account itself (the holder's id without its mark), whose entries
-- stay as they are, so the account's trail and export keep finding it. A retired link an erasure moves to a pseudonym
-- is 'pseudonymised' as before.
--
-- Every statement may run again (MigrationsIT replays the latest migration) and changes nothing the second time.

CREATE OR REPLACE FUNCTION audit_customer_pseudonymised() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF position('~deleted_' in NEW.user_id) > 0 THEN
        INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id, cause)
        VALUES ('customer', NEW.customer_id, 'deleted', split_part(NEW.user_id, '~deleted_', 1), NEW.customer_id,
                NEW.cause);
    ELSE
        INSERT INTO ${flyway:defaultSchema}.audit_log (entity, entity_id, action, user_id, customer_id, cause)
        VALUES ('customer', NEW.customer_id, 'pseudonymised', NEW.user_id, NEW.customer_id, NEW.cause);
    END IF;
    RETURN NULL;
END;
$$;
