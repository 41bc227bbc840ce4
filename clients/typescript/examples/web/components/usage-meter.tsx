"use client";

import { useRecordUsage, useUsage } from "@billing/client/react";

// Usage of one meter, and a button that records one unit: the quota shown refreshes after each call.
export function UsageMeter({ meter }: { meter: string }) {
  const usage = useUsage();
  const record = useRecordUsage();
  const quota = usage.data?.quotas.find((q) => q.meter === meter);
  if (usage.isPending) return <p>Loading usage…</p>;
  if (usage.error) return <p>Usage is unavailable ({usage.error.code}).</p>;
  return (
    <section>
      <p>
        {meter}: {quota?.used ?? 0} used
        {quota?.limit != null ? ` of ${quota.limit}` : " (unlimited)"}
      </p>
      <button disabled={record.isPending} onClick={() => record.mutate({ meter, amount: 1 })}>
        Use one
      </button>
      {record.error?.code === "quota_exceeded" ? <p>{record.error.message}</p> : null}
    </section>
  );
}
