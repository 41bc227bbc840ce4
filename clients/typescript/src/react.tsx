import {
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
  type QueryKey,
  type UseQueryOptions,
} from "@tanstack/react-query";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import type {
  BillingClient,
  BodyOf,
  CheckoutRequest,
  OrgBillingClient,
  PaymentSheet,
  QueryOf,
  ResponseOf,
} from "./client.js";
import type { BillingError } from "./errors.js";

const BillingContext = createContext<BillingClient | null>(null);

/**
 * Gives the hooks below their {@link BillingClient}. Pass `queryClient` to have it provide TanStack Query too, or
 * put it inside your own `QueryClientProvider`.
 *
 * Usage: `<BillingProvider client={billing} queryClient={queryClient}><App /></BillingProvider>`
 */
export function BillingProvider(props: { client: BillingClient; queryClient?: QueryClient; children?: ReactNode }) {
  const inner = <BillingContext.Provider value={props.client}>{props.children}</BillingContext.Provider>;
  return props.queryClient ? <QueryClientProvider client={props.queryClient}>{inner}</QueryClientProvider> : inner;
}

/** The provider's client; throws outside a {@link BillingProvider}. */
export function useBillingClient(): BillingClient {
  const client = useContext(BillingContext);
  if (!client) throw new Error("useBillingClient: wrap your components in <BillingProvider client={...}>.");
  return client;
}

/** An account: the signed-in user (`"me"`) or an organization's own billing account. */
export type Account = "me" | { orgId: string };

function accountKey(account: Account): string {
  return account === "me" ? "me" : `org:${account.orgId}`;
}

/** The query keys the hooks use, to read or invalidate their data yourself. */
export const billingKeys = {
  all: ["billing"] as const,
  catalog: () => ["billing", "catalog"] as const,
  products: (query?: QueryOf<"getStripeProducts">) => ["billing", "catalog", "products", query ?? {}] as const,
  prices: (query?: QueryOf<"getStripePrices">) => ["billing", "catalog", "prices", query ?? {}] as const,
  account: (account: Account) => ["billing", accountKey(account)] as const,
  entitlements: (account: Account) => ["billing", accountKey(account), "entitlements"] as const,
  usage: () => ["billing", "me", "usage"] as const,
  subscriptions: (account: Account) => ["billing", accountKey(account), "subscriptions"] as const,
  invoices: (account: Account) => ["billing", accountKey(account), "invoices"] as const,
  paymentMethods: (account: Account) => ["billing", accountKey(account), "payment-methods"] as const,
};

type QueryOptions<T> = Omit<UseQueryOptions<T, BillingError, T, QueryKey>, "queryKey" | "queryFn">;

function orgOf(client: BillingClient, orgId: string): OrgBillingClient {
  return client.org(orgId);
}

// --- catalog ----------------------------------------------------------------------------------------------------

export function useProducts(query?: QueryOf<"getStripeProducts">, options?: QueryOptions<ResponseOf<"getStripeProducts">>) {
  const client = useBillingClient();
  return useQuery({ queryKey: billingKeys.products(query), queryFn: ({ signal }) => client.listProducts(query, { signal }), ...options });
}

export function usePrices(query?: QueryOf<"getStripePrices">, options?: QueryOptions<ResponseOf<"getStripePrices">>) {
  const client = useBillingClient();
  return useQuery({ queryKey: billingKeys.prices(query), queryFn: ({ signal }) => client.listPrices(query, { signal }), ...options });
}

// --- entitlements and usage -------------------------------------------------------------------------------------

/** The signed-in user's entitlements: tier, features, quotas, owned items. */
export function useEntitlements(options?: QueryOptions<ResponseOf<"getMeEntitlements">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: billingKeys.entitlements("me"),
    queryFn: ({ signal }) => client.getEntitlements({ signal }),
    ...options,
  });
}

/** An organization's entitlements (members of the organization). */
export function useOrgEntitlements(orgId: string, options?: QueryOptions<ResponseOf<"getOrgsOrgIdEntitlements">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: billingKeys.entitlements({ orgId }),
    queryFn: ({ signal }) => orgOf(client, orgId).getEntitlements({ signal }),
    ...options,
  });
}

/** The signed-in user's quotas. */
export function useUsage(options?: QueryOptions<ResponseOf<"getUsage">>) {
  const client = useBillingClient();
  return useQuery({ queryKey: billingKeys.usage(), queryFn: ({ signal }) => client.getUsage({ signal }), ...options });
}

/** What {@link useRecordUsage}'s `mutate` takes: the meter, the amount, and optionally your own idempotency key. */
export type RecordUsageInput = BodyOf<"postUsage"> & { idempotencyKey?: string };

/**
 * Records usage; afterwards (also after a refusal such as `quota_exceeded`) usage and entitlements are refetched,
 * the organizations' too (a shared meter draws on an organization's pool).
 */
export function useRecordUsage() {
  const client = useBillingClient();
  const queries = useQueryClient();
  return useMutation<ResponseOf<"postUsage">, BillingError, RecordUsageInput>({
    mutationFn: ({ idempotencyKey, ...body }) =>
      client.recordUsage(body, idempotencyKey === undefined ? {} : { idempotencyKey }),
    onSettled: () =>
      Promise.all([
        queries.invalidateQueries({ queryKey: billingKeys.usage() }),
        queries.invalidateQueries({ queryKey: billingKeys.entitlements("me") }),
        queries.invalidateQueries({
          predicate: (q) => typeof q.queryKey[1] === "string" && q.queryKey[1].startsWith("org:") && q.queryKey[2] === "entitlements",
        }),
      ]),
  });
}

// --- subscriptions ----------------------------------------------------------------------------------------------

export function useSubscriptions(options?: QueryOptions<ResponseOf<"getStripeSubscriptions">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: billingKeys.subscriptions("me"),
    queryFn: ({ signal }) => client.listSubscriptions({ signal }),
    ...options,
  });
}

export function useOrgSubscriptions(orgId: string, options?: QueryOptions<ResponseOf<"getOrgsOrgIdStripeSubscriptions">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: billingKeys.subscriptions({ orgId }),
    queryFn: ({ signal }) => orgOf(client, orgId).listSubscriptions({ signal }),
    ...options,
  });
}

function useRefreshAfterChange(account: Account) {
  const queries = useQueryClient();
  return () =>
    Promise.all([
      queries.invalidateQueries({ queryKey: billingKeys.subscriptions(account) }),
      queries.invalidateQueries({ queryKey: billingKeys.entitlements(account) }),
      queries.invalidateQueries({ queryKey: billingKeys.invoices(account) }),
      account === "me" ? queries.invalidateQueries({ queryKey: billingKeys.usage() }) : Promise.resolve(),
    ]);
}

/** What the subscription hooks' `mutate` takes. */
export type SubscriptionChange =
  | { action: "cancel"; id: string; atPeriodEnd?: boolean }
  | { action: "resume"; id: string }
  | ({ action: "changePlan"; id: string } & BodyOf<"postStripeSubscriptionsIdUpdate">)
  | { action: "applyPromotionCode"; id: string; promotionCode: string };

async function changeSubscription(target: BillingClient | OrgBillingClient, change: SubscriptionChange) {
  switch (change.action) {
    case "cancel":
      return target.cancelSubscription(change.id, change.atPeriodEnd === undefined ? {} : { atPeriodEnd: change.atPeriodEnd });
    case "resume":
      return target.resumeSubscription(change.id);
    case "changePlan": {
      const { action: _a, id, ...body } = change;
      return target.changePlan(id, body);
    }
    case "applyPromotionCode":
      return target.applyPromotionCode(change.id, { promotionCode: change.promotionCode });
  }
}

/** Cancels, resumes, changes the plan of, or discounts one of the user's subscriptions; then refetches. */
export function useChangeSubscription() {
  const client = useBillingClient();
  const refresh = useRefreshAfterChange("me");
  return useMutation<ResponseOf<"postStripeSubscriptionsIdCancel">, BillingError, SubscriptionChange>({
    mutationFn: (change) => changeSubscription(client, change),
    onSuccess: refresh,
  });
}

/** {@link useChangeSubscription} for an organization's subscription (managers). */
export function useOrgChangeSubscription(orgId: string) {
  const client = useBillingClient();
  const refresh = useRefreshAfterChange({ orgId });
  return useMutation<ResponseOf<"postOrgsOrgIdStripeSubscriptionsIdCancel">, BillingError, SubscriptionChange>({
    mutationFn: (change) => changeSubscription(orgOf(client, orgId), change),
    onSuccess: refresh,
  });
}

/** Sets an organization's seats on a per-seat plan (managers); then refetches its subscriptions and entitlements. */
export function useOrgSetSeats(orgId: string) {
  const client = useBillingClient();
  const refresh = useRefreshAfterChange({ orgId });
  return useMutation<ResponseOf<"postOrgsOrgIdSeats">, BillingError, BodyOf<"postOrgsOrgIdSeats">>({
    mutationFn: (body) => orgOf(client, orgId).setSeats(body),
    onSuccess: refresh,
  });
}

// --- invoices and payment methods -------------------------------------------------------------------------------

export function useInvoices(query?: QueryOf<"getStripeInvoices">, options?: QueryOptions<ResponseOf<"getStripeInvoices">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: [...billingKeys.invoices("me"), query ?? {}],
    queryFn: ({ signal }) => client.listInvoices(query, { signal }),
    ...options,
  });
}

export function usePaymentMethods(options?: QueryOptions<ResponseOf<"getStripePaymentMethods">>) {
  const client = useBillingClient();
  return useQuery({
    queryKey: billingKeys.paymentMethods("me"),
    queryFn: ({ signal }) => client.listPaymentMethods({ signal }),
    ...options,
  });
}

// --- Checkout and the portal ------------------------------------------------------------------------------------

/**
 * Starts Checkout; `data.url` is where to send the user (`window.location.assign`, or the system browser on
 * mobile). Nothing changes until the payment's webhooks arrive: call {@link useRefreshBilling}'s function when the
 * user comes back.
 */
export function useCheckout() {
  const client = useBillingClient();
  return useMutation<ResponseOf<"postStripeCheckout">, BillingError, CheckoutRequest>({
    mutationFn: (body) => client.createCheckout(body),
  });
}

/** {@link useCheckout} for an organization (managers; `seats` for a per-seat plan). */
export function useOrgCheckout(orgId: string) {
  const client = useBillingClient();
  return useMutation<ResponseOf<"postOrgsOrgIdStripeCheckout">, BillingError, BodyOf<"postOrgsOrgIdStripeCheckout">>({
    mutationFn: (body) => orgOf(client, orgId).createCheckout(body),
  });
}

/**
 * Prepares Stripe's mobile PaymentSheet: `{kind: "subscription", tier, interval}`, `{kind: "purchase", priceId}` or
 * `{kind: "setup"}`; `data` is what `initPaymentSheet` takes. Refresh billing after the sheet closes: the webhooks
 * grant what was paid.
 */
export function usePaymentSheet() {
  const client = useBillingClient();
  return useMutation<PaymentSheet, BillingError, PaymentSheetRequest>({
    mutationFn: (request) => {
      if (request.kind === "subscription") {
        const { kind: _kind, ...body } = request;
        return client.createSubscriptionSheet(body);
      }
      if (request.kind === "purchase") {
        const { kind: _kind, ...body } = request;
        return client.createPurchaseSheet(body);
      }
      const { kind: _kind, ...body } = request;
      return client.createSetupSheet(body);
    },
  });
}

/** What {@link usePaymentSheet} prepares a sheet for. */
export type PaymentSheetRequest =
  | ({ kind: "subscription" } & BodyOf<"postStripeSheetSubscription">)
  | ({ kind: "purchase" } & BodyOf<"postStripeSheetPurchase">)
  | ({ kind: "setup" } & BodyOf<"postStripeSheetSetup">);

/** Opens a billing portal session; `data.url` is where to send the user. */
export function usePortal() {
  const client = useBillingClient();
  return useMutation<ResponseOf<"postStripePortal">, BillingError, BodyOf<"postStripePortal"> | void>({
    mutationFn: (body) => client.createPortal(body ?? {}),
  });
}

/** {@link usePortal} for an organization (managers). */
export function useOrgPortal(orgId: string) {
  const client = useBillingClient();
  return useMutation<ResponseOf<"postOrgsOrgIdStripePortal">, BillingError, BodyOf<"postOrgsOrgIdStripePortal"> | void>({
    mutationFn: (body) => orgOf(client, orgId).createPortal(body ?? {}),
  });
}

/**
 * A function that refetches everything billing of an account (the user's by default): call it when the user
 * returns from Checkout or the portal, or when a mobile app comes back to the foreground.
 */
export function useRefreshBilling(account: Account = "me") {
  const queries = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queries.invalidateQueries({ queryKey: billingKeys.account(account) }),
        account === "me" ? Promise.resolve() : queries.invalidateQueries({ queryKey: billingKeys.account("me") }),
      ]).then(() => undefined),
    [queries, accountKey(account)],
  );
}
