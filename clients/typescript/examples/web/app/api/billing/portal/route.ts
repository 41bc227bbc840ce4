import { NextResponse } from "next/server";
import { billingForRequest } from "@/lib/billing";

// POST /api/billing/portal: Stripe's billing portal for the signed-in user, back to the billing page afterwards.
export async function POST(request: Request) {
  const origin = new URL(request.url).origin;
  const billing = await billingForRequest();
  const portal = await billing.createPortal({ returnUrl: `${origin}/billing` });
  return NextResponse.redirect(portal.url, 303);
}
