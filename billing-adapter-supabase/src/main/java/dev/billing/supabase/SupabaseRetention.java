package dev.billing.supabase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The ports' retention methods on Supabase: one batch per call of a function of 022_retention.sql (024 for meter
 * reports, 029 for usage counters), which deletes in one statement and answers how many. A call is retried: a batch
 * sent twice deletes what is still old enough.
 */
final class SupabaseRetention {
    private SupabaseRetention() {}

    static int prune(PostgrestClient client, String function, Instant before, int max) {
        ObjectNode args = Rows.object();
        Rows.put(args, "p_before", before);
        args.put("p_max", max);
        return client.rpc(function, args).retryable().send().json().asInt();
    }
}
