import { BillingError } from "./errors.js";
import type { components, operations } from "./generated/openapi.js";

/** Every schema of docs/openapi.json, by name: `Schemas["EntitlementsView"]`. */
export type Schemas = components["schemas"];
/** The operation ids of docs/openapi.json. */
export type OperationId = keyof operations;

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
/** The 200 answer of an operation. */
export type ResponseOf<K extends OperationId> = operations[K]["responses"] extends { 200: infer R } ? Json<R> : never;
/** The JSON body of an operation. */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
/** The query parameters of an operation. */
export type QueryOf<K extends OperationId> = operations[K]["parameters"] extends { query?: infer Q } ? NonNullable<Q> : never;

export type Entitlements = Schemas["EntitlementsView"];
export type Quota = Schemas["QuotaView"];
export type Usage = Schemas["UsageView"];
export type UsageRecorded = Schemas["UsageRecorded"];
export type Subscription = Schemas["SubscriptionView"];
export type Invoice = Schemas["InvoiceView"];
export type CheckoutSession = Schemas["CheckoutSession"];
export type CheckoutRequest = Schemas["CheckoutRequest"];
export type Portal = Schemas["Portal"];
/** What Stripe's mobile PaymentSheet is initialised with (`initPaymentSheet`). */
export type PaymentSheet = Schemas["PaymentSheet"];
export type Product = Schemas["ProductView"];
export type Price = Schemas["PriceView"];

/** Where a route lives: its method and path template, by the document's operation id. */
export const ROUTES = {
  getHealth: ["GET", "/health"],
  getHealthReady: ["GET", "/health/ready"],
  getStripeProducts: ["GET", "/stripe/products"],
  getStripePrices: ["GET", "/stripe/prices"],
  getStripeCoupons: ["GET", "/stripe/coupons"],
  postStripeCustomer: ["POST", "/stripe/customer"],
  postStripeCheckout: ["POST", "/stripe/checkout"],
  postStripeSheetSubscription: ["POST", "/stripe/sheet/subscription"],
  postStripeSheetPurchase: ["POST", "/stripe/sheet/purchase"],
  postStripeSheetSetup: ["POST", "/stripe/sheet/setup"],
  postStripePortal: ["POST", "/stripe/portal"],
  getStripePurchases: ["GET", "/stripe/purchases"],
  getStripeRefunds: ["GET", "/stripe/refunds"],
  getMeExport: ["GET", "/me/export"],
  deleteMe: ["DELETE", "/me"],
  getStripeSubscriptions: ["GET", "/stripe/subscriptions"],
  postStripeSubscriptionsIdCancel: ["POST", "/stripe/subscriptions/{id}/cancel"],
  postStripeSubscriptionsIdResume: ["POST", "/stripe/subscriptions/{id}/resume"],
  postStripeSubscriptionsIdUpdate: ["POST", "/stripe/subscriptions/{id}/update"],
  postStripeSubscriptionsIdDiscount: ["POST", "/stripe/subscriptions/{id}/discount"],
  getStripePaymentMethods: ["GET", "/stripe/payment-methods"],
  postStripePaymentMethodsSetupIntent: ["POST", "/stripe/payment-methods/setup-intent"],
  postStripePaymentMethodsIdDefault: ["POST", "/stripe/payment-methods/{id}/default"],
  deleteStripePaymentMethodsId: ["DELETE", "/stripe/payment-methods/{id}"],
  getStripeInvoices: ["GET", "/stripe/invoices"],
  getStripeInvoicesId: ["GET", "/stripe/invoices/{id}"],
  postStripeInvoicesIdPay: ["POST", "/stripe/invoices/{id}/pay"],
  getMeEntitlements: ["GET", "/me/entitlements"],
  getUsage: ["GET", "/usage"],
  postUsage: ["POST", "/usage"],
  postGuestCheckout: ["POST", "/guest/checkout"],
  postMeGuestPurchasesClaim: ["POST", "/me/guest-purchases/claim"],
  postOrgsOrgIdStripeCustomer: ["POST", "/orgs/{orgId}/stripe/customer"],
  postOrgsOrgIdStripeCheckout: ["POST", "/orgs/{orgId}/stripe/checkout"],
  postOrgsOrgIdStripeSheetSubscription: ["POST", "/orgs/{orgId}/stripe/sheet/subscription"],
  postOrgsOrgIdStripeSheetPurchase: ["POST", "/orgs/{orgId}/stripe/sheet/purchase"],
  postOrgsOrgIdStripeSheetSetup: ["POST", "/orgs/{orgId}/stripe/sheet/setup"],
  postOrgsOrgIdStripePortal: ["POST", "/orgs/{orgId}/stripe/portal"],
  getOrgsOrgIdStripeSubscriptions: ["GET", "/orgs/{orgId}/stripe/subscriptions"],
  postOrgsOrgIdStripeSubscriptionsIdCancel: ["POST", "/orgs/{orgId}/stripe/subscriptions/{id}/cancel"],
  postOrgsOrgIdStripeSubscriptionsIdResume: ["POST", "/orgs/{orgId}/stripe/subscriptions/{id}/resume"],
  postOrgsOrgIdStripeSubscriptionsIdUpdate: ["POST", "/orgs/{orgId}/stripe/subscriptions/{id}/update"],
  postOrgsOrgIdStripeSubscriptionsIdDiscount: ["POST", "/orgs/{orgId}/stripe/subscriptions/{id}/discount"],
  getOrgsOrgIdStripePaymentMethods: ["GET", "/orgs/{orgId}/stripe/payment-methods"],
  postOrgsOrgIdStripePaymentMethodsSetupIntent: ["POST", "/orgs/{orgId}/stripe/payment-methods/setup-intent"],
  postOrgsOrgIdStripePaymentMethodsIdDefault: ["POST", "/orgs/{orgId}/stripe/payment-methods/{id}/default"],
  deleteOrgsOrgIdStripePaymentMethodsId: ["DELETE", "/orgs/{orgId}/stripe/payment-methods/{id}"],
  getOrgsOrgIdStripeInvoices: ["GET", "/orgs/{orgId}/stripe/invoices"],
  getOrgsOrgIdStripeInvoicesId: ["GET", "/orgs/{orgId}/stripe/invoices/{id}"],
  postOrgsOrgIdStripeInvoicesIdPay: ["POST", "/orgs/{orgId}/stripe/invoices/{id}/pay"],
  getOrgsOrgIdStripeRefunds: ["GET", "/orgs/{orgId}/stripe/refunds"],
  postOrgsOrgIdSeats: ["POST", "/orgs/{orgId}/seats"],
  getOrgsOrgIdEntitlements: ["GET", "/orgs/{orgId}/entitlements"],
} as const satisfies Partial<Record<OperationId, readonly ["GET" | "POST" | "DELETE", string]>>;

/** The operations whose request carries an `Idempotency-Key` header: the client generates one unless given. */
export const IDEMPOTENT_OPERATIONS: readonly OperationId[] = ["postUsage"];

/** How the client is built. */
export interface BillingClientOptions {
  /** The server's base URL, e.g. `https://billing.example.com` (no trailing path). */
  baseUrl: string;
  /**
   * The caller's session token, as Clerk's SDKs give it (`auth().getToken`, `useAuth().getToken`); null or
   * absent sends no `Authorization` header (public routes, or the `__session` cookie with `credentials`).
   */
  getToken?: () => Promise<string | null> | string | null;
  /** Another `fetch` (tests, React Native polyfills, Next.js's extended fetch). */
  fetch?: typeof fetch;
  /** `include` to send the `__session` cookie cross-origin (browser only). */
  credentials?: RequestCredentials;
  /** Headers added to every request. */
  headers?: Record<string, string>;
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the request (TanStack Query passes its own). */
  signal?: AbortSignal;
}

/** Options of a call whose route takes an `Idempotency-Key`. */
export interface IdempotentCallOptions extends CallOptions {
  /** The key; a fresh `crypto.randomUUID()` when left out. Pass your own to retry one logical request safely. */
  idempotencyKey?: string;
}

type Method = "GET" | "POST" | "DELETE";

interface Call {
  path?: Record<string, string>;
  query?: object;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * One method per route of the billing server's HTTP API (the user's, organizations', guests' and local mode's;
 * the admin routes are left out), typed from docs/openapi.json. Every non-2xx answer throws a {@link BillingError}.
 *
 * Usage: `const billing = new BillingClient({ baseUrl, getToken }); const e = await billing.getEntitlements();`
 */
export class BillingClient {
  readonly baseUrl: string;
  private readonly options: BillingClientOptions;

  constructor(options: BillingClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** The routes of one organization's own billing account (members read, managers change). */
  org(orgId: string): OrgBillingClient {
    return new OrgBillingClient(this, orgId);
  }

  // --- operations ---------------------------------------------------------------------------------------------

  health(o?: CallOptions) {
    return this.call("getHealth", { signal: o?.signal });
  }

  ready(o?: CallOptions) {
    return this.call("getHealthReady", { signal: o?.signal });
  }

  // --- catalog ------------------------------------------------------------------------------------------------

  listProducts(query?: QueryOf<"getStripeProducts">, o?: CallOptions) {
    return this.call("getStripeProducts", { query, signal: o?.signal });
  }

  listPrices(query?: QueryOf<"getStripePrices">, o?: CallOptions) {
    return this.call("getStripePrices", { query, signal: o?.signal });
  }

  listCoupons(o?: CallOptions) {
    return this.call("getStripeCoupons", { signal: o?.signal });
  }

  // --- account ------------------------------------------------------------------------------------------------

  /** The caller's Stripe customer, created once. */
  createCustomer(o?: CallOptions) {
    return this.call("postStripeCustomer", { signal: o?.signal });
  }

  /** A Checkout session for a plan (`{tier, interval}`) or a one-time item (`{priceId}`): send the user to `url`. */
  createCheckout(body: BodyOf<"postStripeCheckout">, o?: CallOptions) {
    return this.call("postStripeCheckout", { body, signal: o?.signal });
  }

  /**
   * Stripe's mobile PaymentSheet for a plan: an incomplete subscription whose `paymentIntent` (or, with a trial,
   * `setupIntent`) the app confirms; a second call hands back the same one until it is paid. 409 when subscribed.
   */
  createSubscriptionSheet(body: BodyOf<"postStripeSheetSubscription">, o?: CallOptions) {
    return this.call("postStripeSheetSubscription", { body, signal: o?.signal });
  }

  /** Stripe's mobile PaymentSheet for a one-time catalog item (`paymentIntent`), at the caller's tier discount. */
  createPurchaseSheet(body: BodyOf<"postStripeSheetPurchase">, o?: CallOptions) {
    return this.call("postStripeSheetPurchase", { body, signal: o?.signal });
  }

  /** Stripe's mobile PaymentSheet to save a card (`setupIntent`); it becomes the default once confirmed. */
  createSetupSheet(body: BodyOf<"postStripeSheetSetup"> = {}, o?: CallOptions) {
    return this.call("postStripeSheetSetup", { body, signal: o?.signal });
  }

  /** A Stripe billing portal session: send the user to `url`. */
  createPortal(body: BodyOf<"postStripePortal"> = {}, o?: CallOptions) {
    return this.call("postStripePortal", { body, signal: o?.signal });
  }

  listPurchases(o?: CallOptions) {
    return this.call("getStripePurchases", { signal: o?.signal });
  }

  listRefunds(o?: CallOptions) {
    return this.call("getStripeRefunds", { signal: o?.signal });
  }

  /** Everything the server holds about the caller. */
  exportMyData(o?: CallOptions) {
    return this.call("getMeExport", { signal: o?.signal });
  }

  /** Erases the caller's personal data (`DELETE /me?confirm=true`). */
  eraseMe(o?: CallOptions) {
    return this.call("deleteMe", { query: { confirm: true }, signal: o?.signal });
  }

  // --- subscriptions ------------------------------------------------------------------------------------------

  listSubscriptions(o?: CallOptions) {
    return this.call("getStripeSubscriptions", { signal: o?.signal });
  }

  cancelSubscription(id: string, body: BodyOf<"postStripeSubscriptionsIdCancel"> = {}, o?: CallOptions) {
    return this.call("postStripeSubscriptionsIdCancel", { path: { id }, body, signal: o?.signal });
  }

  resumeSubscription(id: string, o?: CallOptions) {
    return this.call("postStripeSubscriptionsIdResume", { path: { id }, signal: o?.signal });
  }

  changePlan(id: string, body: BodyOf<"postStripeSubscriptionsIdUpdate">, o?: CallOptions) {
    return this.call("postStripeSubscriptionsIdUpdate", { path: { id }, body, signal: o?.signal });
  }

  applyPromotionCode(id: string, body: BodyOf<"postStripeSubscriptionsIdDiscount">, o?: CallOptions) {
    return this.call("postStripeSubscriptionsIdDiscount", { path: { id }, body, signal: o?.signal });
  }

  // --- payment methods ----------------------------------------------------------------------------------------

  listPaymentMethods(o?: CallOptions) {
    return this.call("getStripePaymentMethods", { signal: o?.signal });
  }

  createSetupIntent(o?: CallOptions) {
    return this.call("postStripePaymentMethodsSetupIntent", { signal: o?.signal });
  }

  setDefaultPaymentMethod(id: string, o?: CallOptions) {
    return this.call("postStripePaymentMethodsIdDefault", { path: { id }, signal: o?.signal });
  }

  deletePaymentMethod(id: string, o?: CallOptions) {
    return this.call("deleteStripePaymentMethodsId", { path: { id }, signal: o?.signal });
  }

  // --- invoices -----------------------------------------------------------------------------------------------

  listInvoices(query?: QueryOf<"getStripeInvoices">, o?: CallOptions) {
    return this.call("getStripeInvoices", { query, signal: o?.signal });
  }

  getInvoice(id: string, o?: CallOptions) {
    return this.call("getStripeInvoicesId", { path: { id }, signal: o?.signal });
  }

  payInvoice(id: string, o?: CallOptions) {
    return this.call("postStripeInvoicesIdPay", { path: { id }, signal: o?.signal });
  }

  // --- entitlements and usage ---------------------------------------------------------------------------------

  getEntitlements(o?: CallOptions) {
    return this.call("getMeEntitlements", { signal: o?.signal });
  }

  getUsage(o?: CallOptions) {
    return this.call("getUsage", { signal: o?.signal });
  }

  /** Counts `amount` of `meter` against the caller's quota, once per idempotency key (generated unless given). */
  recordUsage(body: BodyOf<"postUsage">, o?: IdempotentCallOptions) {
    const key = o?.idempotencyKey ?? globalThis.crypto.randomUUID();
    return this.call("postUsage", { body, headers: { "Idempotency-Key": key }, signal: o?.signal });
  }

  // --- guests -------------------------------------------------------------------------------------------------

  /** Checkout for a one-time item open to guests, without a session token. */
  guestCheckout(body: BodyOf<"postGuestCheckout">, o?: CallOptions) {
    return this.call("postGuestCheckout", { body, signal: o?.signal });
  }

  /** Moves the guest purchases paid with the caller's verified email to the caller. */
  claimGuestPurchases(o?: CallOptions) {
    return this.call("postMeGuestPurchasesClaim", { signal: o?.signal });
  }

  /**
   * Sends one operation. Public so {@link OrgBillingClient} and callers with needs of their own can reach a route by
   * its operation id; prefer the named methods.
   */
  async call<K extends keyof typeof ROUTES & OperationId>(operation: K, call: Call = {}): Promise<ResponseOf<K>> {
    const [method, template] = ROUTES[operation] as readonly [Method, string];
    const url = this.baseUrl + expandPath(template, call.path ?? {}) + queryString(call.query);
    const headers: Record<string, string> = { Accept: "application/json", ...this.options.headers, ...call.headers };
    const token = await this.options.getToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, signal: call.signal };
    if (this.options.credentials) init.credentials = this.options.credentials;
    if (method === "POST") {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(call.body ?? {});
    }
    const res = await (this.options.fetch ?? globalThis.fetch)(url, init);
    if (!res.ok) throw await BillingError.fromResponse(res);
    return (await res.json()) as ResponseOf<K>;
  }
}

/**
 * The routes of one organization's own billing account, `/orgs/{orgId}/...`: the caller's session must name the
 * organization as its active one; managers (`org:admin` or `org:billing:manage`) change and see payment details.
 *
 * Usage: `await billing.org("org_123").getEntitlements()`
 */
export class OrgBillingClient {
  constructor(
    private readonly client: BillingClient,
    readonly orgId: string,
  ) {}

  private p(extra: Record<string, string> = {}) {
    return { orgId: this.orgId, ...extra };
  }

  createCustomer(o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeCustomer", { path: this.p(), signal: o?.signal });
  }

  createCheckout(body: BodyOf<"postOrgsOrgIdStripeCheckout">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeCheckout", { path: this.p(), body, signal: o?.signal });
  }

  createSubscriptionSheet(body: BodyOf<"postOrgsOrgIdStripeSheetSubscription">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSheetSubscription", { path: this.p(), body, signal: o?.signal });
  }

  createPurchaseSheet(body: BodyOf<"postOrgsOrgIdStripeSheetPurchase">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSheetPurchase", { path: this.p(), body, signal: o?.signal });
  }

  createSetupSheet(body: BodyOf<"postOrgsOrgIdStripeSheetSetup"> = {}, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSheetSetup", { path: this.p(), body, signal: o?.signal });
  }

  createPortal(body: BodyOf<"postOrgsOrgIdStripePortal"> = {}, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripePortal", { path: this.p(), body, signal: o?.signal });
  }

  listSubscriptions(o?: CallOptions) {
    return this.client.call("getOrgsOrgIdStripeSubscriptions", { path: this.p(), signal: o?.signal });
  }

  cancelSubscription(id: string, body: BodyOf<"postOrgsOrgIdStripeSubscriptionsIdCancel"> = {}, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSubscriptionsIdCancel", { path: this.p({ id }), body, signal: o?.signal });
  }

  resumeSubscription(id: string, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSubscriptionsIdResume", { path: this.p({ id }), signal: o?.signal });
  }

  changePlan(id: string, body: BodyOf<"postOrgsOrgIdStripeSubscriptionsIdUpdate">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSubscriptionsIdUpdate", { path: this.p({ id }), body, signal: o?.signal });
  }

  applyPromotionCode(id: string, body: BodyOf<"postOrgsOrgIdStripeSubscriptionsIdDiscount">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeSubscriptionsIdDiscount", { path: this.p({ id }), body, signal: o?.signal });
  }

  listPaymentMethods(o?: CallOptions) {
    return this.client.call("getOrgsOrgIdStripePaymentMethods", { path: this.p(), signal: o?.signal });
  }

  createSetupIntent(o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripePaymentMethodsSetupIntent", { path: this.p(), signal: o?.signal });
  }

  setDefaultPaymentMethod(id: string, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripePaymentMethodsIdDefault", { path: this.p({ id }), signal: o?.signal });
  }

  deletePaymentMethod(id: string, o?: CallOptions) {
    return this.client.call("deleteOrgsOrgIdStripePaymentMethodsId", { path: this.p({ id }), signal: o?.signal });
  }

  listInvoices(query?: QueryOf<"getOrgsOrgIdStripeInvoices">, o?: CallOptions) {
    return this.client.call("getOrgsOrgIdStripeInvoices", { path: this.p(), query, signal: o?.signal });
  }

  getInvoice(id: string, o?: CallOptions) {
    return this.client.call("getOrgsOrgIdStripeInvoicesId", { path: this.p({ id }), signal: o?.signal });
  }

  payInvoice(id: string, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdStripeInvoicesIdPay", { path: this.p({ id }), signal: o?.signal });
  }

  listRefunds(o?: CallOptions) {
    return this.client.call("getOrgsOrgIdStripeRefunds", { path: this.p(), signal: o?.signal });
  }

  /** Sets the seat count of a per-seat plan. */
  setSeats(body: BodyOf<"postOrgsOrgIdSeats">, o?: CallOptions) {
    return this.client.call("postOrgsOrgIdSeats", { path: this.p(), body, signal: o?.signal });
  }

  getEntitlements(o?: CallOptions) {
    return this.client.call("getOrgsOrgIdEntitlements", { path: this.p(), signal: o?.signal });
  }
}

function expandPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: object | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
