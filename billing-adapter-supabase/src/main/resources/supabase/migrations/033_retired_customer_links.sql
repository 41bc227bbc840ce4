-- billing 033: a Stripe customer deleted at Stripe (CustomerStore.retire, RetireDeletedCustomer), as Postgres's V29.
-- Its link moves in place to a holder id, the account's id with '~deleted_' and a number (UserId.retiredLink), so the
-- account can link a new customer while the deleted one stays taken and its rows stay the account's. No new column or
-- table.
--
-- 011's trigger treats every change of a link's user as an erasure: it renames the old id in the trail and audits
-- 'pseudonymised'. A retirement is audited as 'deleted', naming the account itself, whose entries stay as they are.
-- An erasure that moves a retired link to a pseudonym also renames the entries naming its account (the 'deleted'
-- entry among them), which may have no link of its own left to move. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_audit_customer()
RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  IF NEW.stripe_customer_id IS NULL OR NEW.clerk_user_id IS NULL THEN
    RETURN NULL; -- a row of the earlier backend that links nothing
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.stripe_customer_id, 'linked', NEW.clerk_user_id, NEW.stripe_customer_id,
            public.billing_audit_cause());
  ELSIF position('~deleted_' in NEW.clerk_user_id) > 0 THEN
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.stripe_customer_id, 'deleted', split_part(NEW.clerk_user_id, '~deleted_', 1),
            NEW.stripe_customer_id, public.billing_audit_cause());
  ELSE
    -- Erasure moved the link to a pseudonym: the trail forgets the old id (and a retired link's account) in the same
    -- transaction.
    UPDATE public.billing_audit_log SET user_id = NEW.clerk_user_id
     WHERE user_id = OLD.clerk_user_id OR user_id = split_part(OLD.clerk_user_id, '~deleted_', 1);
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause)
    VALUES ('customer', NEW.stripe_customer_id, 'pseudonymised', NEW.clerk_user_id, NEW.stripe_customer_id,
            public.billing_audit_cause());
  END IF;
  RETURN NULL;
END
$$;
