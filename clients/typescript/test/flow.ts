import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BillingClient, BillingError } from "../src/index.js";
import {
  CANCEL_URL,
  SUCCESS_URL,
  clientFor,
  completeCheckoutInEmulator,
  confirmSheetInEmulator,
  eventually,
  uniqueUserId,
  type Harness,
} from "./support.js";

/** Awaits `promise`, which must fail with a BillingError; returns it. */
export async function billingError(promise: Promise<unknown>): Promise<BillingError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof BillingError) return e;
    throw e;
  }
  assert.fail("expected a BillingError, the call succeeded");
}

/** The front end's whole flow through the typed client; `harness()` is started by the calling test file. */
export function defineClientFlow(harness: () => Harness) {
  describe("catalog", () => {
    it("lists products, recurring prices and the public promotion codes", async () => {
      const billing = clientFor(harness());
      const products = await billing.listProducts();
      assert.ok(products.data.length > 0);
      assert.ok(products.data.every((p) => p.id.startsWith("prod_")));
      const recurring = await billing.listPrices({ type: "recurring" });
      assert.ok(recurring.data.some((p) => p.id === "price_basic_monthly"));
      assert.ok(recurring.data.every((p) => p.type === "recurring"));
      const page = await billing.listProducts({ limit: 1 });
      assert.equal(page.data.length, 1);
      const coupons = await billing.listCoupons();
      assert.ok(coupons.data.some((c) => c.code === "LAUNCH20"));
    });
  });

  describe("customer", () => {
    it("creates the caller's Stripe customer once", async () => {
      const billing = clientFor(harness());
      const first = await billing.createCustomer();
      assert.match(first.customerId, /^cus_/);
      assert.equal(first.created, true);
      const again = await billing.createCustomer();
      assert.deepEqual(again, { customerId: first.customerId, created: false });
    });
  });

  describe("checkout", () => {
    it("changes entitlements once Checkout is completed in the emulator, and opens the portal", async () => {
      const billing = clientFor(harness());
      const before = await billing.getEntitlements();
      assert.equal(before.tier, "free");
      assert.equal(before.subscriptionId ?? null, null);

      const session = await billing.createCheckout({
        tier: "basic",
        interval: "month",
        successUrl: SUCCESS_URL,
        cancelUrl: CANCEL_URL,
      });
      assert.match(session.sessionId, /^cs_/);
      assert.ok(session.url && new URL(session.url), `url: ${session.url}`);
      await completeCheckoutInEmulator(harness(), session.sessionId);

      const after = await eventually("the basic plan in the entitlements", async () => {
        const e = await billing.getEntitlements();
        return e.tier === "basic" ? e : undefined;
      });
      assert.equal(after.status, "trialing"); // basic has a 14-day trial
      assert.ok(after.features.includes("export_csv"));
      assert.equal(after.quotas.find((q) => q.meter === "api_calls")?.limit, 1000);

      const subscriptions = await billing.listSubscriptions();
      assert.equal(subscriptions.data.length, 1);
      assert.equal(subscriptions.data[0]?.id, after.subscriptionId);
      assert.equal(subscriptions.data[0]?.tier, "basic");

      const twice = await billingError(billing.createCheckout({ tier: "pro", interval: "month" }));
      assert.equal(twice.status, 409);
      assert.equal(twice.code, "already_subscribed");

      const portal = await billing.createPortal({ returnUrl: CANCEL_URL });
      assert.ok(new URL(portal.url));
    });
  });

  describe("payment sheet", () => {
    it("pays a plan in the PaymentSheet and never makes a second subscription", async () => {
      const billing = clientFor(harness());
      const sheet = await billing.createSubscriptionSheet({ tier: "enterprise", interval: "month" });
      assert.match(sheet.paymentIntent ?? "", /^pi_.*_secret_/);
      assert.match(sheet.ephemeralKey, /^ek_test_/);
      assert.equal(sheet.status, "requires_payment_method");
      const again = await billing.createSubscriptionSheet({ tier: "enterprise", interval: "month" });
      assert.equal(again.subscriptionId, sheet.subscriptionId);
      assert.equal(again.reused, true);

      assert.equal(await confirmSheetInEmulator(harness(), sheet.intentId), "succeeded");
      const after = await eventually("the enterprise plan in the entitlements", async () => {
        const e = await billing.getEntitlements();
        return e.tier === "enterprise" ? e : undefined;
      });
      assert.equal(after.subscriptionId, sheet.subscriptionId);
      const twice = await billingError(billing.createSubscriptionSheet({ tier: "pro", interval: "month" }));
      assert.equal(twice.status, 409);
      assert.equal(twice.code, "already_subscribed");

      const card = await billing.createSetupSheet();
      assert.match(card.setupIntent ?? "", /^seti_/);
      assert.equal(card.paymentIntent, undefined);
    });
  });

  describe("usage", () => {
    it("counts usage until the quota answers 429 quota_exceeded", async () => {
      const billing = clientFor(harness());
      const accepted: number[] = [];
      let refusal: BillingError | undefined;
      for (let i = 0; i < 20 && !refusal; i++) {
        try {
          accepted.push((await billing.recordUsage({ meter: "exports", amount: 1 })).used);
        } catch (e) {
          if (!(e instanceof BillingError)) throw e;
          refusal = e;
        }
      }
      assert.deepEqual(accepted, [1, 2, 3, 4, 5]); // the free tier's 5 exports, each with its own generated key
      assert.ok(refusal);
      assert.equal(refusal.status, 429);
      assert.equal(refusal.code, "quota_exceeded");
      assert.match(refusal.message, /exports/);
      assert.match(refusal.requestId ?? "", /^req_/);
      assert.equal(refusal.retryAfter, null); // a quota resets at a date, in the message; no Retry-After
      const usage = await billing.getUsage();
      assert.equal(usage.quotas.find((q) => q.meter === "exports")?.remaining, 0);
    });

    it("replays a request sent again with the same idempotency key", async () => {
      const billing = clientFor(harness());
      const first = await billing.recordUsage({ meter: "api_calls", amount: 3 }, { idempotencyKey: "order-42" });
      const again = await billing.recordUsage({ meter: "api_calls", amount: 3 }, { idempotencyKey: "order-42" });
      assert.equal(first.used, 3);
      assert.equal(first.replayed, false);
      assert.equal(again.used, 3);
      assert.equal(again.replayed, true);
      const reused = await billingError(
        billing.recordUsage({ meter: "api_calls", amount: 4 }, { idempotencyKey: "order-42" }),
      );
      assert.equal(reused.status, 422);
      assert.equal(reused.code, "idempotency_key_reused");
    });

    it("answers 429 rate_limited with Retry-After once a user sends too many requests", async () => {
      const billing = clientFor(harness());
      let refusal: BillingError | undefined;
      for (let i = 0; i < 500 && !refusal; i++) {
        refusal = await billing.getUsage().then(
          () => undefined,
          (e: unknown) => {
            if (e instanceof BillingError) return e;
            throw e;
          },
        );
      }
      assert.ok(refusal, "no 429 after 500 requests");
      assert.equal(refusal.status, 429);
      assert.equal(refusal.code, "rate_limited");
      assert.ok(refusal.retryAfter !== null && refusal.retryAfter > 0, `Retry-After: ${refusal.retryAfter}`);
    });
  });

  describe("typed errors", () => {
    it("401 unauthenticated without a token", async () => {
      const h = harness();
      const anonymous = new BillingClient({ baseUrl: h.apiUrl, fetch: h.fetch, getToken: async () => null });
      const e = await billingError(anonymous.getEntitlements());
      assert.equal(e.status, 401);
      if (h.target === "prism") {
        // Prism refuses a request without the document's security itself; it never reaches the server.
        assert.match(String((e.body as { type?: string }).type), /#UNAUTHORIZED$/);
        return;
      }
      assert.equal(e.code, "unauthenticated");
      assert.match(e.requestId ?? "", /^req_/);
    });

    it("401 unauthenticated with a token the server did not issue", async () => {
      const h = harness();
      const forged = new BillingClient({ baseUrl: h.apiUrl, fetch: h.fetch, getToken: () => "not.a.token" });
      const e = await billingError(forged.getUsage());
      assert.equal(e.status, 401);
      assert.equal(e.code, "unauthenticated");
    });

    it("400 with the field's code", async () => {
      const h = harness();
      const billing = clientFor(h);
      const amount = await billingError(billing.recordUsage({ meter: "api_calls", amount: 0 }));
      if (h.target === "prism") {
        // The document says amount >= 1: Prism refuses the request itself (422), before the server sees it.
        assert.equal(amount.status, 422);
        assert.match(String((amount.body as { type?: string }).type), /#UNPROCESSABLE_ENTITY$/);
      } else {
        assert.equal(amount.status, 400);
        assert.equal(amount.code, "invalid_amount");
      }
      const meter = await billingError(billing.recordUsage({ meter: "no_such_meter", amount: 1 }));
      assert.equal(meter.status, 400);
      assert.equal(meter.code, "unknown_meter");
      const redirect = await billingError(
        billing.createCheckout({ tier: "basic", interval: "month", successUrl: "https://evil.example/x" }),
      );
      assert.equal(redirect.status, 400);
      assert.equal(redirect.code, "invalid_redirect_url");
    });
  });

  describe("organizations", () => {
    it("gives an organization's managers its own customer and entitlements, and refuses its members", async () => {
      const orgId = `org_${uniqueUserId("o").replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 60);
      const admin = clientFor(harness(), { userId: uniqueUserId(), orgId, orgRole: "org:admin" });
      const customer = await admin.org(orgId).createCustomer();
      assert.match(customer.customerId, /^cus_/);
      const entitlements = await admin.org(orgId).getEntitlements();
      assert.equal(entitlements.tier, "free");

      const member = clientFor(harness(), { userId: uniqueUserId(), orgId });
      assert.equal((await member.org(orgId).getEntitlements()).tier, "free");
      const forbidden = await billingError(member.org(orgId).createCheckout({ tier: "pro", interval: "month" }));
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.code, "org_billing_forbidden");

      const outsider = clientFor(harness());
      const hidden = await billingError(outsider.org(orgId).getEntitlements());
      assert.equal(hidden.status, 404);
      assert.equal(hidden.code, "organization_not_found");
    });
  });
}
