-- billing 036: a usage request whose key is removed between meeting it and reading it takes the key again. 004's
-- function inserted the key and, when it was taken, read it back; a retention pass (022) or an erasure (008)
-- removing the key in between left nothing to read, and the request was answered key_reused, a 422 for a request
-- that reused nothing. The key is now tried again (a key past its window counts anew, as a retry after the pruning
-- would), at most three times. The function is created again whole (CREATE OR REPLACE keeps 005's grants); the rest
-- of its body is 004's. No new table. Idempotent.

CREATE OR REPLACE FUNCTION public.billing_usage_increment(p_user_id text, p_meter text, p_period_start timestamptz,
                                                          p_period_end timestamptz, p_amount bigint, p_limit bigint,
                                                          p_idempotency_key text, p_fingerprint text,
                                                          p_at timestamptz, p_report jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  existing public.billing_usage_keys;
  total    bigint;
BEGIN
  IF p_amount IS NULL OR p_amount < 1 OR p_limit IS NULL OR p_limit < 0 THEN
    RAISE EXCEPTION 'billing: amount must be at least 1 and limit not negative' USING ERRCODE = '22023';
  END IF;

  FOR attempt IN 1..3 LOOP
    INSERT INTO public.billing_usage_keys (user_id, idempotency_key, meter, period_start, fingerprint, amount,
                                           used_after, usage_limit, created_at)
    VALUES (p_user_id, p_idempotency_key, p_meter, p_period_start, p_fingerprint, p_amount, 0, p_limit, p_at)
    ON CONFLICT (user_id, idempotency_key) DO NOTHING;
    EXIT WHEN FOUND;
    SELECT * INTO existing FROM public.billing_usage_keys k
     WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
    IF FOUND THEN
      IF existing.fingerprint = p_fingerprint THEN
        RETURN jsonb_build_object('outcome', 'replayed', 'used', existing.used_after, 'limit', existing.usage_limit);
      END IF;
      RETURN jsonb_build_object('outcome', 'key_reused');
    END IF;
    IF attempt = 3 THEN
      RAISE EXCEPTION 'billing: the idempotency key conflicted three times but did not stay stored';
    END IF;
  END LOOP;

  INSERT INTO public.billing_usage_counters AS c (user_id, meter, period_start, period_end, used, updated_at)
  SELECT p_user_id, p_meter, p_period_start, p_period_end, p_amount, p_at
   WHERE p_amount <= p_limit
  ON CONFLICT (user_id, meter, period_start) DO UPDATE
     SET used = c.used + excluded.used, updated_at = excluded.updated_at
   WHERE c.used <= p_limit - excluded.used
  RETURNING c.used INTO total;

  IF total IS NULL THEN
    DELETE FROM public.billing_usage_keys k WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
    SELECT c.used INTO total FROM public.billing_usage_counters c
     WHERE c.user_id = p_user_id AND c.meter = p_meter AND c.period_start = p_period_start;
    RETURN jsonb_build_object('outcome', 'quota_exceeded', 'used', coalesce(total, 0), 'limit', p_limit,
                              'requested', p_amount);
  END IF;

  UPDATE public.billing_usage_keys k SET used_after = total
   WHERE k.user_id = p_user_id AND k.idempotency_key = p_idempotency_key;
  IF p_report IS NOT NULL AND jsonb_typeof(p_report) = 'object' THEN
    INSERT INTO public.billing_meter_reports (identifier, event_name, customer_id, value, event_timestamp)
    VALUES (p_report ->> 'identifier', p_report ->> 'event_name', p_report ->> 'customer_id',
            (p_report ->> 'value')::bigint, (p_report ->> 'event_timestamp')::timestamptz)
    ON CONFLICT (identifier) DO NOTHING;
  END IF;
  RETURN jsonb_build_object('outcome', 'accepted', 'used', total, 'limit', p_limit);
END
$$;

NOTIFY pgrst, 'reload schema';
