"use client";

import { useAuth } from "@clerk/nextjs";
import { QueryClient } from "@tanstack/react-query";
import { BillingClient } from "@billing/client";
import { BillingProvider } from "@billing/client/react";
import { useState, type ReactNode } from "react";

// Wrap the app (app/layout.tsx: <ClerkProvider><Providers>{children}</Providers></ClerkProvider>) so that client
// components can use the billing hooks; requests carry the session token Clerk's useAuth() gives.
export function Providers({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  const [queryClient] = useState(() => new QueryClient());
  const [billing] = useState(
    () => new BillingClient({ baseUrl: process.env.NEXT_PUBLIC_BILLING_URL!, getToken: () => getToken() }),
  );
  return (
    <BillingProvider client={billing} queryClient={queryClient}>
      {children}
    </BillingProvider>
  );
}
