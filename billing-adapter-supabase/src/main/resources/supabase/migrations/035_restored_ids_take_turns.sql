-- billing 035: restores that move a log's identity take turns. setval is not transactional, so two restores (016)
-- that both found their ids past the identity could set it in the wrong order, the lower one last, and send the rows
-- recorded after them into ids already taken. A copy (MigrateStores) now restores a page's entries side by side, so
-- it could happen: those that move the identity take an advisory lock held to their commit and look again once they
-- hold it; restores behind the identity take none. 016's two functions are created again calling the one helper
-- (CREATE OR REPLACE keeps 016's grants). No new table. Idempotent.

-- Moves the identity past a restored id, never backwards. True when it moved it.
CREATE OR REPLACE FUNCTION public.billing_identity_past(p_ids regclass, p_id bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  IF p_id <= coalesce(pg_sequence_last_value(p_ids), 0) THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('billing.identity.' || p_ids::text));
  IF p_id <= coalesce(pg_sequence_last_value(p_ids), 0) THEN
    RETURN false;
  END IF;
  PERFORM setval(p_ids, p_id);
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION public.billing_identity_past
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_identity_past
  TO service_role;

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
  IF v_written = 1 THEN
    PERFORM public.billing_identity_past(v_ids, p_id);
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
  IF v_written = 1 THEN
    PERFORM public.billing_identity_past(v_ids, p_id);
  END IF;
  RETURN v_written = 1;
END
$$;

NOTIFY pgrst, 'reload schema';
