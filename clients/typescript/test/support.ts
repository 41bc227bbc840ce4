import { BillingClient } from "../src/index.js";
import { startLocalServer, startPrismProxy } from "#local-server";

/** Where the tests send their requests: straight to the server, or through Prism validating against the document. */
export type Target = "direct" | "prism";

/** Per-user limit of the server under test: low enough that one test reaches `rate_limited` in a moment. */
export const USER_REQUESTS_PER_MINUTE = 60;

export interface Harness {
  target: Target;
  /** The fetch the test clients use: through Prism it also records every violation Prism answers with. */
  fetch: typeof fetch;
  /** The base URL the clients call (the server, or Prism in front of it). */
  apiUrl: string;
  /** The server itself. */
  serverUrl: string;
  /** The Stripe emulator of the server's local mode. */
  stripeUrl: string;
  /** The violations of the document Prism answered with, one line per request and violation (none when direct). */
  violations(): string[];
  stop(): Promise<void>;
}

/** Starts `billing-server.jar local` on free ports, and Prism in front of it for the `prism` target. */
export async function startHarness(target: Target): Promise<Harness> {
  const server = await startLocalServer({
    env: { BILLING_RATE_LIMIT_USER_PER_MINUTE: String(USER_REQUESTS_PER_MINUTE) },
  });
  if (target === "direct") {
    return {
      target,
      fetch: globalThis.fetch,
      apiUrl: server.baseUrl,
      serverUrl: server.baseUrl,
      stripeUrl: server.stripeUrl,
      violations: () => [],
      stop: () => server.stop(),
    };
  }
  let prism;
  try {
    prism = await startPrismProxy(server.baseUrl);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const violations: string[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await globalThis.fetch(input, init);
    if ((res.headers.get("content-type") ?? "").startsWith("application/problem+json")) {
      const problem = (await res.clone().json()) as { type?: string; validation?: PrismViolation[] };
      if (problem.type?.endsWith("#VIOLATIONS")) {
        const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
        for (const v of problem.validation ?? []) {
          violations.push(`${init?.method ?? "GET"} ${url.pathname}: ${v.location.join(".")}: ${v.message} (${v.code})`);
        }
      }
    }
    return res;
  };
  return {
    target,
    fetch: recordingFetch,
    apiUrl: prism.baseUrl,
    serverUrl: server.baseUrl,
    stripeUrl: server.stripeUrl,
    violations: () => [...violations],
    async stop() {
      await prism.stop();
      await server.stop();
    },
  };
}

interface PrismViolation {
  location: string[];
  severity: string;
  code: string;
  message: string;
}

let counter = 0;
/** A user id no other test uses. */
export function uniqueUserId(prefix = "user"): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** Claims local mode's `POST /local/token` puts in a session token. */
export interface SessionClaims {
  userId: string;
  email?: string;
  emailVerified?: boolean;
  orgId?: string;
  orgRole?: string;
  orgPermissions?: string[];
}

/** A client for a new user of local mode, its token minted through `POST /local/token` on first use. */
export function clientFor(harness: Harness, claims: SessionClaims = { userId: uniqueUserId() }): BillingClient {
  let token: Promise<string> | null = null;
  return new BillingClient({
    baseUrl: harness.apiUrl,
    fetch: harness.fetch,
    getToken: () => (token ??= mintLocalToken(harness, claims)),
  });
}

/**
 * A session token from local mode's `POST /local/token`, asked of the server itself: a development route, not part of
 * the API document (docs/openapi.json is `serve`'s), so neither the client nor Prism knows it.
 */
export async function mintLocalToken(harness: Harness, claims: SessionClaims): Promise<string> {
  const res = await fetch(`${harness.serverUrl}/local/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(claims),
  });
  if (!res.ok) throw new Error(`POST /local/token answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** Pays a Checkout session in the Stripe emulator, as a customer paying with 4242 would. */
export async function completeCheckoutInEmulator(harness: Harness, sessionId: string): Promise<void> {
  const res = await fetch(`${harness.stripeUrl}/_emulator/checkout/sessions/${encodeURIComponent(sessionId)}/complete`, {
    method: "POST",
  });
  if (!res.ok) throw new Error(`the emulator refused to complete ${sessionId}: ${res.status} ${await res.text()}`);
}

/** Confirms a PaymentSheet's payment intent in the Stripe emulator, as the app would with a test card. */
export async function confirmSheetInEmulator(harness: Harness, intentId: string, cardNumber = "4242424242424242"): Promise<string> {
  const res = await fetch(`${harness.stripeUrl}/_emulator/payment_intents/${encodeURIComponent(intentId)}/confirm`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: `card_number=${cardNumber}`,
  });
  if (!res.ok) throw new Error(`the emulator refused to confirm ${intentId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { status: string }).status;
}

/**
 * Polls `probe` until it returns a value that is not undefined. The limit only ends a wait that would otherwise
 * never end (the webhook never arrived); nothing here measures speed.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const SUCCESS_URL = "http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}";
export const CANCEL_URL = "http://localhost:3000/billing";
