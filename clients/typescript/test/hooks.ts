import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryClient } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import { createElement, type ReactNode } from "react";
import { BillingError, type BillingClient } from "../src/index.js";
import {
  BillingProvider,
  useCheckout,
  useEntitlements,
  useOrgEntitlements,
  usePortal,
  useRecordUsage,
  useRefreshBilling,
  useSubscriptions,
  useUsage,
} from "../src/react.js";
import { CANCEL_URL, SUCCESS_URL, clientFor, completeCheckoutInEmulator, eventually, uniqueUserId, type Harness } from "./support.js";

const WAIT = { timeout: 30_000 }; // ends a wait that would never end; not a speed requirement

function wrapperFor(client: BillingClient) {
  // gcTime Infinity: no garbage-collection timers that would keep the test process alive for minutes.
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false, gcTime: Infinity } },
  });
  return ({ children }: { children: ReactNode }) => createElement(BillingProvider, { client, queryClient }, children);
}

function Meter(props: { meter: string }) {
  const entitlements = useEntitlements();
  const record = useRecordUsage();
  const quota = entitlements.data?.quotas.find((q) => q.meter === props.meter);
  return createElement(
    "div",
    null,
    createElement("p", { "data-testid": "tier" }, entitlements.data?.tier ?? "loading"),
    createElement("p", { "data-testid": "used" }, quota ? `${quota.used} of ${quota.limit ?? "unlimited"}` : "-"),
    entitlements.error ? createElement("p", { "data-testid": "query-error" }, entitlements.error.message) : null,
    createElement("button", { onClick: () => record.mutate({ meter: props.meter, amount: 1 }) }, "Use one"),
    record.error ? createElement("p", { role: "alert" }, record.error.code) : null,
  );
}

/** The hooks against the real server: `harness()` is started by the calling test file. */
export function defineHooks(harness: () => Harness) {
  describe("React hooks", () => {
    it("useEntitlements and useRecordUsage: a click records usage and the quota shown refreshes", async () => {
      const client = clientFor(harness());
      render(createElement(Meter, { meter: "exports" }), { wrapper: wrapperFor(client) });
      try {
        await waitFor(() => assert.ok(screen.queryByTestId("query-error") || screen.getByTestId("used").textContent !== "-"), WAIT);
        assert.equal(screen.queryByTestId("query-error")?.textContent, undefined);
        assert.equal(screen.getByTestId("used").textContent, "0 of 5");
        assert.equal(screen.getByTestId("tier").textContent, "free");
        fireEvent.click(screen.getByText("Use one"));
        await waitFor(() => assert.equal(screen.getByTestId("used").textContent, "1 of 5"), WAIT);
        for (let used = 2; used <= 5; used++) {
          fireEvent.click(screen.getByText("Use one"));
          await waitFor(() => assert.equal(screen.getByTestId("used").textContent, `${used} of 5`), WAIT);
        }
        fireEvent.click(screen.getByText("Use one"));
        await waitFor(() => assert.equal(screen.getByRole("alert").textContent, "quota_exceeded"), WAIT);
      } finally {
        cleanup();
      }
    });

    it("useUsage refetches after useRecordUsage, and the mutation's error is a BillingError", async () => {
      const h = harness();
      const client = clientFor(h);
      const { result, unmount } = renderHook(() => ({ usage: useUsage(), record: useRecordUsage() }), {
        wrapper: wrapperFor(client),
      });
      try {
        await waitFor(() => assert.ok(!result.current.usage.isPending), WAIT);
        assert.ifError(result.current.usage.error);
        const used = () => result.current.usage.data?.quotas.find((q) => q.meter === "api_calls")?.used;
        assert.equal(used(), 0);
        await act(() => result.current.record.mutateAsync({ meter: "api_calls", amount: 7, idempotencyKey: "k-1" }));
        await waitFor(() => assert.equal(used(), 7), WAIT);
        const refused = await act(() =>
          result.current.record.mutateAsync({ meter: "api_calls", amount: 0 }).then(
            () => assert.fail("amount 0 was accepted"),
            (e: unknown) => e,
          ),
        );
        assert.ok(refused instanceof BillingError);
        // Through Prism the document's minimum refuses amount 0 before the server does (422, Prism's own body).
        assert.equal(refused.code, h.target === "prism" ? "unexpected_response" : "invalid_amount");
        assert.equal(refused.status, h.target === "prism" ? 422 : 400);
      } finally {
        unmount();
      }
    });

    it("useCheckout, then useRefreshBilling on return: entitlements and subscriptions show the plan; usePortal", async () => {
      const h = harness();
      const client = clientFor(h);
      const { result, unmount } = renderHook(
        () => ({
          entitlements: useEntitlements(),
          subscriptions: useSubscriptions(),
          checkout: useCheckout(),
          portal: usePortal(),
          refresh: useRefreshBilling(),
        }),
        { wrapper: wrapperFor(client) },
      );
      try {
        await waitFor(() => assert.ok(!result.current.entitlements.isPending && !result.current.subscriptions.isPending), WAIT);
        assert.ifError(result.current.entitlements.error);
        assert.ifError(result.current.subscriptions.error);
        assert.equal(result.current.entitlements.data?.tier, "free");
        assert.deepEqual(result.current.subscriptions.data?.data ?? [], []);
        const session = await act(() =>
          result.current.checkout.mutateAsync({ tier: "pro", interval: "year", successUrl: SUCCESS_URL, cancelUrl: CANCEL_URL }),
        );
        assert.ok(session.url);
        await completeCheckoutInEmulator(h, session.sessionId);
        // The user is back from Checkout once the webhooks are in: what the app's return page then does is refresh.
        await eventually("the pro plan", async () => ((await client.getEntitlements()).tier === "pro" ? true : undefined));
        await act(() => result.current.refresh());
        assert.ifError(result.current.entitlements.error);
        await waitFor(() => assert.equal(result.current.entitlements.data?.tier, "pro"), WAIT);
        await waitFor(() => assert.equal(result.current.subscriptions.data?.data[0]?.tier, "pro"), WAIT);
        const portal = await act(() => result.current.portal.mutateAsync({ returnUrl: CANCEL_URL }));
        assert.ok(portal.url);
      } finally {
        unmount();
      }
    });

    it("useOrgEntitlements reads an organization's entitlements", async () => {
      const orgId = `org_${uniqueUserId("h").replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 60);
      const client = clientFor(harness(), { userId: uniqueUserId(), orgId, orgRole: "org:admin" });
      const { result, unmount } = renderHook(() => useOrgEntitlements(orgId), { wrapper: wrapperFor(client) });
      try {
        await waitFor(() => assert.ok(!result.current.isPending), WAIT);
        assert.ifError(result.current.error);
        assert.equal(result.current.data?.tier, "free");
        assert.ok(result.current.data?.features.includes("projects"));
      } finally {
        unmount();
      }
    });
  });
}
