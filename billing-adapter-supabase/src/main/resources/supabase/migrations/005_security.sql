-- billing 005: who may touch the billing tables and functions. Only the service_role key (what the billing
-- server uses; it bypasses RLS): RLS is on with no policy, and anon/authenticated hold no grants, so the anon key
-- a web app ships reads nothing. The functions are SECURITY INVOKER (they run with the caller's rights) and only
-- service_role may execute them. Idempotent.

ALTER TABLE public.stripe_customer_mapping ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.stripe_webhook_events   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_subscriptions   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_invoices        ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_purchases       ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_usage_counters  ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_usage_keys      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_meter_reports   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.billing_projection_changes ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON TABLE public.stripe_customer_mapping, public.stripe_webhook_events, public.billing_subscriptions,
                    public.billing_invoices, public.billing_purchases, public.billing_usage_counters,
                    public.billing_usage_keys, public.billing_meter_reports, public.billing_projection_changes
  FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE
   ON TABLE public.stripe_customer_mapping, public.stripe_webhook_events, public.billing_subscriptions,
            public.billing_invoices, public.billing_purchases, public.billing_usage_counters,
            public.billing_usage_keys, public.billing_meter_reports, public.billing_projection_changes
   TO service_role;

REVOKE ALL ON FUNCTION public.billing_list_customer_links, public.billing_inbox_claim,
                       public.billing_inbox_claim_due, public.billing_inbox_complete, public.billing_inbox_fail,
                       public.billing_inbox_requeue, public.billing_inbox_list, public.billing_inbox_counts,
                       public.billing_upsert_subscription, public.billing_upsert_invoice,
                       public.billing_usage_increment, public.billing_usage_claim_reports,
                       public.billing_usage_list_counters, public.billing_usage_list_keys,
                       public.billing_inbox_restore, public.billing_usage_restore_counter,
                       public.billing_usage_restore_report, public.billing_changes_prune
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.billing_list_customer_links, public.billing_inbox_claim,
                          public.billing_inbox_claim_due, public.billing_inbox_complete, public.billing_inbox_fail,
                          public.billing_inbox_requeue, public.billing_inbox_list, public.billing_inbox_counts,
                          public.billing_upsert_subscription, public.billing_upsert_invoice,
                          public.billing_usage_increment, public.billing_usage_claim_reports,
                          public.billing_usage_list_counters, public.billing_usage_list_keys,
                          public.billing_inbox_restore, public.billing_usage_restore_counter,
                          public.billing_usage_restore_report, public.billing_changes_prune
  TO service_role;

-- PostgREST serves new tables and functions after it reloads its schema cache (Supabase also does this by itself
-- after DDL).
NOTIFY pgrst, 'reload schema';
