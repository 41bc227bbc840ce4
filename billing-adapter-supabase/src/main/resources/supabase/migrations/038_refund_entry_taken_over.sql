-- billing 038: a refund's creation recorded by a request (an admin's POST /admin/refunds) takes over the refund's entry
-- its webhook recorded (AuditAction.takenOverBy), as Postgres' JdbiAuditLog does: the webhook records the entry for
-- every refund, so a refund whose request answered 503 after Stripe refunded is in the trail, and the request's
-- entry, naming the admin, replaces it in its place (id and time kept; whom it names kept too, as an erasure may
-- have renamed them: the request brings its cause and detail). Any other explicit entry as 019 recorded it.
-- No table changes. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_audit_record(p_entity text, p_entity_id text, p_action text,
                                                       p_user_id text, p_customer_id text, p_cause text,
                                                       p_detail jsonb)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  v_recorded integer;
BEGIN
  IF p_entity = 'refund' AND p_action = 'created'
     AND split_part(p_cause, ':', 1) IN ('request', 'admin', 'service') THEN
    INSERT INTO public.billing_audit_log AS a (entity, entity_id, action, user_id, customer_id, cause, detail,
                                               explicit)
    VALUES (p_entity, p_entity_id, p_action, p_user_id, p_customer_id, p_cause, coalesce(p_detail, '{}'::jsonb),
            true)
    ON CONFLICT (entity_id) WHERE explicit AND entity = 'refund' AND action = 'created'
    DO UPDATE SET user_id = coalesce(a.user_id, excluded.user_id),
                  customer_id = coalesce(a.customer_id, excluded.customer_id),
                  cause = excluded.cause, detail = excluded.detail
    WHERE split_part(a.cause, ':', 1) NOT IN ('request', 'admin', 'service');
  ELSE
    INSERT INTO public.billing_audit_log (entity, entity_id, action, user_id, customer_id, cause, detail, explicit)
    VALUES (p_entity, p_entity_id, p_action, p_user_id, p_customer_id, p_cause, coalesce(p_detail, '{}'::jsonb),
            true)
    ON CONFLICT DO NOTHING;
  END IF;
  GET DIAGNOSTICS v_recorded = ROW_COUNT;
  RETURN v_recorded = 1;
END
$$;

-- billing_audit_record keeps 011's grants (CREATE OR REPLACE does not change them).
