import { BillingError } from "@billing/client";
import { billingForRequest } from "@/lib/billing";
import { UsageMeter } from "@/components/usage-meter";
import { UpgradeButton } from "@/components/upgrade-button";

// A server component: the plan is read on the server, with the user's token, before the page is sent.
export default async function BillingPage() {
  const billing = await billingForRequest();
  const entitlements = await billing.getEntitlements().catch((e: unknown) => {
    if (e instanceof BillingError && e.status === 401) return null; // signed out
    throw e;
  });
  if (!entitlements) return <p>Sign in to see your plan.</p>;
  return (
    <main>
      <h1>Your plan: {entitlements.tier}</h1>
      {entitlements.trialEnd ? <p>Trial until {new Date(entitlements.trialEnd).toLocaleDateString()}</p> : null}
      <UsageMeter meter="api_calls" />
      {/* A plain form: the route handler starts Checkout on the server and redirects to it. */}
      <form action="/api/billing/checkout" method="post">
        <input type="hidden" name="tier" value="pro" />
        <input type="hidden" name="interval" value="month" />
        <button type="submit">Upgrade to Pro</button>
      </form>
      {/* Or from the browser, with the hooks. */}
      <UpgradeButton tier="pro" interval="year" />
      <form action="/api/billing/portal" method="post">
        <button type="submit">Manage billing</button>
      </form>
    </main>
  );
}
