import { WaitForPlan } from "./wait-for-plan";

// Stripe's success URL: /billing/success?session_id=cs_... The plan arrives with Stripe's webhooks, a moment after
// the redirect, so the page waits for it in the browser.
export default async function CheckoutSuccess({ searchParams }: { searchParams: Promise<{ session_id?: string }> }) {
  const { session_id } = await searchParams;
  return (
    <main>
      <h1>Thank you!</h1>
      <WaitForPlan sessionId={session_id ?? null} />
    </main>
  );
}
