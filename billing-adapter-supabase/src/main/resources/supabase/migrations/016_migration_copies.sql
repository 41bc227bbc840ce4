-- billing 016: a store-to-store copy (MigrateStores) brings the source's audit trail and notice log with each
-- entry's own id, time and cause (AuditLog.restore, NoticeLog.restore), so the copy's own projection writes, sent
-- with X-Billing-Cause: system:migration (AuditCause.MIGRATION), must not add audit entries of their own, or the
-- trail would hold every copied change twice. 011's audit triggers are created again with that one condition added
-- to their WHEN clauses (the functions are unchanged; an erasure is never a copy's write). The two restore functions
-- insert with the given id (the id columns are GENERATED ALWAYS, so PostgREST cannot) and move the identity past
-- it, so that entries recorded later get higher ids; the service role holds the sequences, as Supabase grants it
-- every sequence of the schema. Comes after 011 and 013 and locks its functions down as they do. Idempotent.

DROP TRIGGER IF EXISTS billing_audit_link ON public.stripe_customer_mapping;
CREATE TRIGGER billing_audit_link
  AFTER INSERT ON public.stripe_customer_mapping
  FOR EACH ROW WHEN (public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_customer();

DROP TRIGGER IF EXISTS billing_audit_subscription_insert ON public.billing_subscriptions;
CREATE TRIGGER billing_audit_subscription_insert
  AFTER INSERT ON public.billing_subscriptions
  FOR EACH ROW WHEN (public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_subscription();
DROP TRIGGER IF EXISTS billing_audit_subscription_update ON public.billing_subscriptions;
CREATE TRIGGER billing_audit_subscription_update
  AFTER UPDATE ON public.billing_subscriptions
  FOR EACH ROW WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.price_id IS DISTINCT FROM NEW.price_id
    OR OLD.quantity <> NEW.quantity OR OLD.cancel_at_period_end <> NEW.cancel_at_period_end
    OR (OLD.cancel_at IS NULL) <> (NEW.cancel_at IS NULL))
    AND public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_subscription();

DROP TRIGGER IF EXISTS billing_audit_invoice_paid_insert ON public.billing_invoices;
CREATE TRIGGER billing_audit_invoice_paid_insert
  AFTER INSERT ON public.billing_invoices
  FOR EACH ROW WHEN (NEW.status = 'paid' AND public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_invoice_paid();
DROP TRIGGER IF EXISTS billing_audit_invoice_paid_update ON public.billing_invoices;
CREATE TRIGGER billing_audit_invoice_paid_update
  AFTER UPDATE ON public.billing_invoices
  FOR EACH ROW WHEN (NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid'
    AND public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_invoice_paid();

DROP TRIGGER IF EXISTS billing_audit_purchase_insert ON public.billing_purchases;
CREATE TRIGGER billing_audit_purchase_insert
  AFTER INSERT ON public.billing_purchases
  FOR EACH ROW WHEN (public.billing_audit_cause() IS DISTINCT FROM 'system:migration')
  EXECUTE FUNCTION public.billing_audit_purchase();

-- The entry as given: replaces a different entry of its id, or is inserted with its id unless that id (or, for an
-- explicit action, its entity, action, entity id and cause) is taken. True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_audit_restore(p_id bigint, p_recorded_at timestamptz, p_entity text,
                                                        p_entity_id text, p_action text, p_user_id text,
                                                        p_customer_id text, p_cause text, p_detail jsonb,
                                                        p_explicit boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
  v_ids     regclass := pg_get_serial_sequence('public.billing_audit_log', 'id')::regclass;
BEGIN
  UPDATE public.billing_audit_log
     SET recorded_at = p_recorded_at, entity = p_entity, entity_id = p_entity_id, action = p_action,
         user_id = p_user_id, customer_id = p_customer_id, cause = p_cause,
         detail = coalesce(p_detail, '{}'::jsonb), explicit = p_explicit
   WHERE id = p_id
     AND (recorded_at, entity, entity_id, action, user_id, customer_id, cause, detail)
         IS DISTINCT FROM (p_recorded_at, p_entity, p_entity_id, p_action, p_user_id, p_customer_id, p_cause,
                           coalesce(p_detail, '{}'::jsonb));
  GET DIAGNOSTICS v_written = ROW_COUNT;
  IF v_written = 0 THEN
    INSERT INTO public.billing_audit_log (id, recorded_at, entity, entity_id, action, user_id, customer_id, cause,
                                          detail, explicit)
    OVERRIDING SYSTEM VALUE
    VALUES (p_id, p_recorded_at, p_entity, p_entity_id, p_action, p_user_id, p_customer_id, p_cause,
            coalesce(p_detail, '{}'::jsonb), p_explicit)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_written = ROW_COUNT;
  END IF;
  -- Never backwards: a concurrent insert may have taken a higher id.
  IF v_written = 1 AND p_id > coalesce(pg_sequence_last_value(v_ids), 0) THEN
    PERFORM setval(v_ids, p_id);
  END IF;
  RETURN v_written = 1;
END
$$;

-- The notice log's row as given, by the same rules. True when it wrote.
CREATE OR REPLACE FUNCTION public.billing_notice_restore(p_id bigint, p_event_id text, p_kind text, p_user_id text,
                                                         p_customer_id text, p_status text, p_message_id text,
                                                         p_error text, p_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_written integer;
  v_ids     regclass := pg_get_serial_sequence('public.billing_notice_log', 'id')::regclass;
BEGIN
  UPDATE public.billing_notice_log
     SET event_id = p_event_id, kind = p_kind, user_id = p_user_id, customer_id = p_customer_id,
         status = p_status, message_id = p_message_id, error = p_error, at = p_at
   WHERE id = p_id
     AND (event_id, kind, user_id, customer_id, status, message_id, error, at)
         IS DISTINCT FROM (p_event_id, p_kind, p_user_id, p_customer_id, p_status, p_message_id, p_error, p_at);
  GET DIAGNOSTICS v_written = ROW_COUNT;
  IF v_written = 0 THEN
    INSERT INTO public.billing_notice_log (id, event_id, kind, user_id, customer_id, status, message_id, error, at)
    OVERRIDING SYSTEM VALUE
    VALUES (p_id, p_event_id, p_kind, p_user_id, p_customer_id, p_status, p_message_id, p_error, p_at)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_written = ROW_COUNT;
  END IF;
  IF v_written = 1 AND p_id > coalesce(pg_sequence_last_value(v_ids), 0) THEN
    PERFORM setval(v_ids, p_id);
  END IF;
  RETURN v_written = 1;
END
$$;

REVOKE ALL ON FUNCTION public.billing_audit_restore, public.billing_notice_restore
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_audit_restore, public.billing_notice_restore
  TO service_role;

NOTIFY pgrst, 'reload schema';
