-- billing 025: billing_audit_list reads an account's or a customer's entries along their own indexes.
--
-- 011's function filtered with "p_user_id IS NULL OR user_id = ... OR customer_id = ...". A function with its own
-- search_path is not inlined, so Postgres plans its body once for any arguments: that plan walked the whole trail
-- back from its newest entry, 300-400 ms for an account on a 4-million-entry trail, whose page is a few rows. Each
-- kind of filter is now a branch of its own, switched off by its arguments (a condition on the arguments alone is
-- checked once, before the branch reads anything): the whole trail newest first; one customer's entries
-- (billing_audit_log_customer_idx); an account's, as the entries naming the user (billing_audit_log_user_idx) and
-- those of the customer linked to it now, merged, as the Postgres store's account query does. The answer is the
-- same page as 011's. Same signature, so 011's grants hold. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_audit_list(p_user_id text, p_customer_id text, p_entity text,
                                                     p_action text, p_from timestamptz, p_to timestamptz,
                                                     p_before_id bigint, p_limit integer)
RETURNS SETOF public.billing_audit_log
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = ''
AS $$
  SELECT e.* FROM (
    (SELECT a.* FROM public.billing_audit_log a
      WHERE p_user_id IS NULL AND p_customer_id IS NULL AND a.id < p_before_id
        AND (p_entity IS NULL OR (a.entity = p_entity AND a.action = p_action))
        AND (p_from IS NULL OR a.recorded_at >= p_from) AND (p_to IS NULL OR a.recorded_at < p_to)
      ORDER BY a.id DESC LIMIT p_limit)
    UNION ALL
    (SELECT a.* FROM public.billing_audit_log a
      WHERE p_user_id IS NULL AND a.customer_id = p_customer_id AND a.id < p_before_id
        AND (p_entity IS NULL OR (a.entity = p_entity AND a.action = p_action))
        AND (p_from IS NULL OR a.recorded_at >= p_from) AND (p_to IS NULL OR a.recorded_at < p_to)
      ORDER BY a.id DESC LIMIT p_limit)
    UNION ALL
    (SELECT a.* FROM public.billing_audit_log a
      WHERE a.user_id = p_user_id AND a.id < p_before_id
        AND (p_customer_id IS NULL OR a.customer_id = p_customer_id)
        AND (p_entity IS NULL OR (a.entity = p_entity AND a.action = p_action))
        AND (p_from IS NULL OR a.recorded_at >= p_from) AND (p_to IS NULL OR a.recorded_at < p_to)
      ORDER BY a.id DESC LIMIT p_limit)
    UNION ALL
    (SELECT a.* FROM public.billing_audit_log a
      WHERE a.customer_id = (SELECT m.stripe_customer_id FROM public.stripe_customer_mapping m
                              WHERE m.clerk_user_id = p_user_id)
        AND a.user_id IS DISTINCT FROM p_user_id -- an entry naming both is the branch above's
        AND a.id < p_before_id
        AND (p_customer_id IS NULL OR a.customer_id = p_customer_id)
        AND (p_entity IS NULL OR (a.entity = p_entity AND a.action = p_action))
        AND (p_from IS NULL OR a.recorded_at >= p_from) AND (p_to IS NULL OR a.recorded_at < p_to)
      ORDER BY a.id DESC LIMIT p_limit)
  ) e
  ORDER BY e.id DESC
  LIMIT p_limit
$$;

NOTIFY pgrst, 'reload schema';
