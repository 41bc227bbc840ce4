import { NextResponse } from "next/server";

// The mobile app's Checkout and portal return here (an https URL on an allowed origin, as the billing server
// requires), and this page hands the user back to the app through its deep link (docs/MOBILE.md).
export function GET(request: Request) {
  const url = new URL(request.url);
  const back = new URL("myapp://billing/return");
  const sessionId = url.searchParams.get("session_id");
  if (sessionId) back.searchParams.set("session_id", sessionId);
  return NextResponse.redirect(back.toString(), 303);
}
