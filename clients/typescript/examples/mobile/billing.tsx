import { useAuth } from "@clerk/clerk-expo";
import { QueryClient } from "@tanstack/react-query";
import { BillingClient } from "@billing/client";
import { BillingProvider, useRefreshBilling } from "@billing/client/react";
import * as Linking from "expo-linking";
import { useEffect, useState, type ReactNode } from "react";
import { AppState } from "react-native";

/** The app's billing: every request carries the session token Clerk's getToken gives (refreshed by Clerk). */
export function BillingRoot({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  const [queryClient] = useState(() => new QueryClient());
  const [billing] = useState(
    () => new BillingClient({ baseUrl: process.env.EXPO_PUBLIC_BILLING_URL!, getToken: () => getToken() }),
  );
  return (
    <BillingProvider client={billing} queryClient={queryClient}>
      <RefreshOnReturn />
      {children}
    </BillingProvider>
  );
}

/**
 * Refetches entitlements and subscriptions when the app comes back to the foreground and when it is opened by
 * its billing deep link (myapp://billing/return), e.g. after paying in the browser while the app was closed.
 */
function RefreshOnReturn() {
  const refresh = useRefreshBilling();
  const url = Linking.useURL();
  useEffect(() => {
    if (url && Linking.parse(url).path === "billing/return") void refresh();
  }, [url, refresh]);
  useEffect(() => {
    const subscription = AppState.addEventListener("change", (state) => {
      if (state === "active") void refresh();
    });
    return () => subscription.remove();
  }, [refresh]);
  return null;
}
