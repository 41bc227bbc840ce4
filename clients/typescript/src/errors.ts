/**
 * The server's error answer as a typed error: every non-2xx answer is thrown as a `BillingError`.
 *
 * Usage: `catch (e) { if (e instanceof BillingError && e.code === "quota_exceeded") ... }`
 */
export class BillingError extends Error {
  override readonly name = "BillingError";
  /** The HTTP status, e.g. 429. */
  readonly status: number;
  /** The server's stable snake_case code (`quota_exceeded`, `unauthenticated`, ...), or `unexpected_response`. */
  readonly code: string;
  /** The request id of the body or of `X-Request-Id`, to quote in support requests and find in the server's logs. */
  readonly requestId: string | null;
  /** Seconds to wait before retrying, from `Retry-After` (rate limits, 503s); null when the answer had none. */
  readonly retryAfter: number | null;
  /** The body as received, for answers that are not the server's error shape. */
  readonly body: unknown;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId: string | null;
    retryAfter: number | null;
    body?: unknown;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.body = init.body;
  }

  /** Builds the error from an answer that is not 2xx; never throws. */
  static async fromResponse(res: Response, now: () => number = Date.now): Promise<BillingError> {
    const text = await res.text().catch(() => "");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    const detail = errorDetail(body);
    return new BillingError({
      status: res.status,
      code: detail?.code ?? "unexpected_response",
      message: detail?.message ?? `HTTP ${res.status}: ${text.slice(0, 2000)}`,
      requestId: detail?.requestId ?? res.headers.get("x-request-id"),
      retryAfter: parseRetryAfter(res.headers.get("retry-after"), now()),
      body,
    });
  }
}

function errorDetail(body: unknown): { code: string; message: string; requestId?: string } | null {
  if (typeof body !== "object" || body === null || !("error" in body)) return null;
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return null;
  const { code, message, requestId } = error as Record<string, unknown>;
  if (typeof code !== "string" || typeof message !== "string") return null;
  return { code, message, requestId: typeof requestId === "string" ? requestId : undefined };
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP date counted from `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value == null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
