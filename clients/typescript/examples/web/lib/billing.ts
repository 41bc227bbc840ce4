import "server-only";
import { auth } from "@clerk/nextjs/server";
import { BillingClient } from "@billing/client";

/** The billing server, called from server components and route handlers with the signed-in user's Clerk token. */
export async function billingForRequest(): Promise<BillingClient> {
  const { getToken } = await auth();
  return new BillingClient({
    baseUrl: process.env.BILLING_URL!, // e.g. https://billing.example.com
    getToken: () => getToken(),
  });
}
