// What the client does on its own, without a server: headers it sends and errors it builds.
import assert from "node:assert/strict";
import { it } from "node:test";
import { BillingClient, BillingError, parseRetryAfter } from "../src/index.js";

function recording(status = 200, body: unknown = {}, headers: Record<string, string> = {}) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({ url: String(input), init: init ?? {} });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers });
  };
  return { requests, fetch };
}

function header(init: RequestInit, name: string): string | undefined {
  return (init.headers as Record<string, string>)[name];
}

it("sends a fresh Idempotency-Key per recordUsage call unless the caller passes one", async () => {
  const server = recording(200, { meter: "api_calls", used: 1, resetsAt: "2026-12-01T00:00:00Z", replayed: false });
  const billing = new BillingClient({ baseUrl: "http://billing.test/", fetch: server.fetch, getToken: () => "tok" });
  await billing.recordUsage({ meter: "api_calls", amount: 1 });
  await billing.recordUsage({ meter: "api_calls", amount: 1 });
  await billing.recordUsage({ meter: "api_calls", amount: 1 }, { idempotencyKey: "mine" });
  const keys = server.requests.map((r) => header(r.init, "Idempotency-Key"));
  assert.match(keys[0]!, /^[0-9a-f-]{36}$/);
  assert.notEqual(keys[0], keys[1]);
  assert.equal(keys[2], "mine");
  assert.equal(server.requests[0]!.url, "http://billing.test/usage");
  assert.equal(header(server.requests[0]!.init, "Authorization"), "Bearer tok");
});

it("sends no Authorization header when the token provider has none, and encodes path and query", async () => {
  const server = recording(200, { data: [] });
  const billing = new BillingClient({ baseUrl: "http://billing.test", fetch: server.fetch, getToken: async () => null });
  await billing.org("org_a/b").listInvoices({ limit: 5, startingAfter: undefined });
  assert.equal(server.requests[0]!.url, "http://billing.test/orgs/org_a%2Fb/stripe/invoices?limit=5");
  assert.equal(header(server.requests[0]!.init, "Authorization"), undefined);
});

it("turns the server's error into a BillingError with Retry-After in seconds", async () => {
  const server = recording(
    429,
    { error: { code: "rate_limited", message: "Too many requests.", requestId: "req_1" } },
    { "Retry-After": "17", "X-Request-Id": "req_1" },
  );
  const billing = new BillingClient({ baseUrl: "http://billing.test", fetch: server.fetch });
  const e = await billing.getUsage().then(
    () => assert.fail("no error"),
    (x: unknown) => x,
  );
  assert.ok(e instanceof BillingError);
  assert.deepEqual([e.status, e.code, e.message, e.requestId, e.retryAfter], [429, "rate_limited", "Too many requests.", "req_1", 17]);
});

it("keeps an answer that is not the server's error shape as unexpected_response", async () => {
  const server = recording(502, "<html>Bad gateway</html>", { "X-Request-Id": "req_2" });
  const billing = new BillingClient({ baseUrl: "http://billing.test", fetch: server.fetch });
  const e = (await billing.health().catch((x: unknown) => x)) as BillingError;
  assert.equal(e.code, "unexpected_response");
  assert.equal(e.requestId, "req_2");
  assert.equal(e.retryAfter, null);
  assert.match(e.message, /HTTP 502: <html>Bad gateway/);
});

it("reads Retry-After as seconds or as an HTTP date", () => {
  const now = Date.parse("2026-11-25T20:00:00Z");
  assert.equal(parseRetryAfter("120", now), 120);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 20:00:30 GMT", now), 30);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 19:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter("soon", now), null);
});
