import { NextResponse } from "next/server";
import { BillingError } from "@billing/client";
import { billingForRequest } from "@/lib/billing";

// POST /api/billing/checkout from the billing page's form: start Checkout on the server and send the browser to it.
export async function POST(request: Request) {
  const form = await request.formData();
  const origin = new URL(request.url).origin; // must be one of the server's BILLING_ALLOWED_ORIGINS
  const billing = await billingForRequest();
  try {
    const session = await billing.createCheckout({
      tier: String(form.get("tier")),
      interval: form.get("interval") === "year" ? "year" : "month",
      // Stripe replaces {CHECKOUT_SESSION_ID}; the success page reads it.
      successUrl: `${origin}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${origin}/billing`,
    });
    return NextResponse.redirect(session.url!, 303);
  } catch (e) {
    if (e instanceof BillingError && e.code === "already_subscribed") {
      return NextResponse.redirect(`${origin}/api/billing/portal`, 307); // change plans in the portal instead
    }
    if (e instanceof BillingError && e.status === 401) {
      return NextResponse.redirect(`${origin}/sign-in`, 303);
    }
    throw e;
  }
}
