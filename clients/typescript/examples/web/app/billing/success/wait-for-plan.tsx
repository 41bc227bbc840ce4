"use client";

import { useEntitlements, useRefreshBilling } from "@billing/client/react";
import { useEffect } from "react";

// Refreshes everything billing once on return, then polls the entitlements until the new subscription shows.
export function WaitForPlan({ sessionId }: { sessionId: string | null }) {
  const refresh = useRefreshBilling();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const entitlements = useEntitlements({
    refetchInterval: (query) => (query.state.data?.subscriptionId ? false : 1000),
  });
  if (!entitlements.data?.subscriptionId) return <p>Confirming your payment{sessionId ? ` (${sessionId})` : ""}…</p>;
  return <p>You are on {entitlements.data.tier}.</p>;
}
