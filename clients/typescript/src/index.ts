export { BillingClient, OrgBillingClient, ROUTES, IDEMPOTENT_OPERATIONS } from "./client.js";
export type {
  BillingClientOptions,
  CallOptions,
  IdempotentCallOptions,
  OperationId,
  ResponseOf,
  BodyOf,
  QueryOf,
  Schemas,
  Entitlements,
  Quota,
  Usage,
  UsageRecorded,
  Subscription,
  Invoice,
  CheckoutSession,
  CheckoutRequest,
  Portal,
  PaymentSheet,
  Product,
  Price,
} from "./client.js";
export { BillingError, parseRetryAfter } from "./errors.js";
export type { paths, components, operations } from "./generated/openapi.js";
