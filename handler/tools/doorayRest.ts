import { httpRequest, type HttpResponse } from "../net/httpRequest.js";

/**
 * Dooray's REST API (tasks, wikis) with the bot account's personal token: `Authorization: dooray-api <token>`.
 * Every call ends by the job's deadline. A 429 is waited out as the rate-limit headers say, while the deadline
 * allows; 401, 403 and 404 become failures the tools can name. Ids stay strings: Dooray's are 19 digits, more
 * than a JSON number holds, and some answers send them bare.
 */
export type DoorayFailure = "tokenRejected" | "forbidden" | "notFound" | "rateLimited" | "badRequest" | "unavailable";

export class DoorayApiError extends Error {
  override readonly name = "DoorayApiError";
  constructor(
    readonly failure: DoorayFailure,
    readonly status: number,
    /** Dooray's resultMessage (e.g. a missing mandatory tag), for the person only: never logged, never in `message`. */
    readonly doorayMessage?: string,
  ) {
    // Never the answer's text: it may quote company data back.
    super(`Dooray API ${failure} (HTTP ${status})`);
  }

  /** Logged as its failure and status alone. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, failure: this.failure, status: this.status };
  }
}

export interface DoorayList<T> {
  readonly items: T[];
  readonly totalCount: number | undefined;
}

export interface DoorayRest {
  get<T>(path: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<T>;
  list<T>(path: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<DoorayList<T>>;
  post<T>(path: string, body: unknown): Promise<T>;
}

export type Requester = (url: URL, body: string | undefined, options: Parameters<typeof httpRequest>[2]) => Promise<HttpResponse>;

/** The most one answer may hold (a page of 100 tasks is ≈ 200 KB). */
export const DOORAY_MAX_RESPONSE_BYTES = 1_048_576;
/** One call's own ceiling, inside the job's deadline. */
export const DOORAY_CALL_TIMEOUT_MS = 10_000;
/** Tries per call when Dooray answers 429. */
export const DOORAY_MAX_ATTEMPTS = 3;

export function doorayRest(
  baseUrl: string,
  token: string,
  deadlineAt: number,
  request: Requester = httpRequest,
  sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
): DoorayRest {
  const call = async (
    method: "GET" | "POST",
    path: string,
    query: Readonly<Record<string, string | number | undefined>> | undefined,
    body: unknown,
  ): Promise<{ result: unknown; totalCount: unknown }> => {
    const url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    for (let attempt = 1; ; attempt++) {
      const left = deadlineAt - Date.now();
      if (left <= 0) throw new DoorayApiError("unavailable", 0);
      const answer = await request(url, body === undefined ? undefined : JSON.stringify(body), {
        method,
        headers: { authorization: `dooray-api ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        timeoutMs: Math.min(DOORAY_CALL_TIMEOUT_MS, left),
        maxResponseBytes: DOORAY_MAX_RESPONSE_BYTES,
      }).catch(() => {
        throw new DoorayApiError("unavailable", 0);
      });
      if (answer.status === 429) {
        const waitMs = rateLimitWaitMs(answer.headers);
        if (attempt < DOORAY_MAX_ATTEMPTS && Date.now() + waitMs + 1_000 < deadlineAt) {
          await sleep(waitMs);
          continue;
        }
        throw new DoorayApiError("rateLimited", 429);
      }
      const parsed = parseKeepingIds(answer.body) as
        | { header?: { isSuccessful?: boolean; resultMessage?: unknown }; result?: unknown; totalCount?: unknown }
        | undefined;
      const failure = failureOf(answer.status);
      if (failure) throw new DoorayApiError(failure, answer.status, resultMessageOf(parsed?.header?.resultMessage));
      if (answer.truncated || !parsed || parsed.header?.isSuccessful === false)
        throw new DoorayApiError(
          parsed?.header?.isSuccessful === false ? "badRequest" : "unavailable",
          answer.status,
          resultMessageOf(parsed?.header?.resultMessage),
        );
      return { result: parsed.result, totalCount: parsed.totalCount };
    }
  };
  return {
    get: async <T>(path: string, query?: Readonly<Record<string, string | number | undefined>>) => (await call("GET", path, query, undefined)).result as T,
    list: async <T>(path: string, query?: Readonly<Record<string, string | number | undefined>>) => {
      const { result, totalCount } = await call("GET", path, query, undefined);
      // totalCount arrives as a number or a string.
      return { items: Array.isArray(result) ? (result as T[]) : [], totalCount: totalCount === undefined ? undefined : Number(totalCount) };
    },
    post: async <T>(path: string, body: unknown) => (await call("POST", path, undefined, body)).result as T,
  };
}

function failureOf(status: number): DoorayFailure | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 401) return "tokenRejected";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  if (status >= 400 && status < 500) return "badRequest";
  return "unavailable";
}

/** Dooray's human-readable resultMessage, sometimes URL-encoded with + for spaces; short, or nothing. */
function resultMessageOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  let text = value;
  try {
    if (/%[0-9A-F]{2}|\+/i.test(text)) text = decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    // As it came.
  }
  return text.slice(0, 200);
}

/** Dooray's token bucket: the tokens missing for this call, at the replenish rate (1 s when it says nothing). */
export function rateLimitWaitMs(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  const number = (name: string) => Number(headers[name]);
  const [remaining, requested, rate] = [number("x-ratelimit-remaining"), number("x-ratelimit-requested-tokens"), number("x-ratelimit-replenish-rate")];
  if (!(rate > 0) || !Number.isFinite(remaining) || !Number.isFinite(requested)) return 1_000;
  return Math.max(200, Math.ceil(Math.max(1, requested - remaining) / rate) * 1_000);
}

/** JSON.parse, but a number too long to be exact stays its digits (Node 22's reviver sees the source text). */
export function parseKeepingIds(text: string): unknown {
  try {
    return JSON.parse(text, ((_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source) ? context.source : value) as (
      key: string,
      value: unknown,
    ) => unknown);
  } catch {
    return undefined;
  }
}
