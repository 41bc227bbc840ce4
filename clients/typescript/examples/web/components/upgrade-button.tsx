"use client";

import { useCheckout } from "@billing/client/react";

// Starts Checkout from the browser and sends the user to Stripe; Stripe sends them back to /billing/success.
export function UpgradeButton({ tier, interval }: { tier: string; interval: "month" | "year" }) {
  const checkout = useCheckout();
  const start = () =>
    checkout.mutate(
      {
        tier,
        interval,
        successUrl: `${window.location.origin}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${window.location.origin}/billing`,
      },
      { onSuccess: (session) => window.location.assign(session.url!) },
    );
  return (
    <>
      <button disabled={checkout.isPending} onClick={start}>
        Upgrade to {tier} ({interval}ly)
      </button>
      {checkout.error?.code === "already_subscribed" ? <p>You already have a plan: change it in the portal.</p> : null}
    </>
  );
}
