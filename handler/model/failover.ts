/**
 * Whether a failed model call goes on to the next endpoint, and for how long the failed one cools down
 * (docs/operations.md, "Model endpoints"). Decided before any word reached the person only: the caller never asks
 * after the first word.
 */
export type FailoverDecision = { readonly failover: false } | { readonly failover: true; readonly cooldownSeconds: number; readonly reason: FailoverReason };

/** overloaded: 429 or 5xx; unreachable: the connection failed; slow: no answer in the attempt's time; misconfigured: 401, 403, 404. */
export type FailoverReason = "overloaded" | "unreachable" | "slow" | "misconfigured";

/** Retry-After is honoured within these bounds; without one, the default. */
export const COOLDOWN_MIN_SECONDS = 5;
export const COOLDOWN_MAX_SECONDS = 60;
export const COOLDOWN_DEFAULT_SECONDS = 30;
/** A refused key or an unknown model does not mend itself in seconds: it waits for an operator (and an alarm fires). */
export const COOLDOWN_MISCONFIGURED_SECONDS = 300;

/**
 * 429, 5xx, a timeout or a connection error: the next endpoint, with a cooldown from Retry-After clamped to 5–60 s
 * (else 30 s). 401, 403, 404: the next too, cooled down for 5 minutes. Never on 400 (the request itself: a context
 * length, a content filter, a field), which another endpoint would refuse alike, and never after our own deadline.
 */
export function failoverDecision(error: unknown, deadlinePassed: boolean): FailoverDecision {
  if (deadlinePassed) return { failover: false };
  const { status, headers } = (error ?? {}) as { status?: unknown; headers?: unknown };
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (typeof status === "number") {
    if (status === 401 || status === 403 || status === 404) return { failover: true, cooldownSeconds: COOLDOWN_MISCONFIGURED_SECONDS, reason: "misconfigured" };
    if (status === 429 || status >= 500) return { failover: true, cooldownSeconds: cooldownFrom(headers), reason: "overloaded" };
    return { failover: false };
  }
  if (name === "APIConnectionTimeoutError") return { failover: true, cooldownSeconds: COOLDOWN_DEFAULT_SECONDS, reason: "slow" };
  if (name === "APIConnectionError") return { failover: true, cooldownSeconds: COOLDOWN_DEFAULT_SECONDS, reason: "unreachable" };
  return { failover: false };
}

/** Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms, clamped; the default without either. */
export function cooldownFrom(headers: unknown, now = Date.now()): number {
  const get = (name: string): string | null => {
    if (headers && typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
    const value = (headers as Record<string, unknown> | undefined)?.[name];
    return typeof value === "string" ? value : null;
  };
  let seconds: number | undefined;
  const ms = Number(get("retry-after-ms"));
  const after = get("retry-after");
  if (get("retry-after-ms") !== null && Number.isFinite(ms)) seconds = ms / 1000;
  else if (after !== null && /^\d+(\.\d+)?$/.test(after.trim())) seconds = Number(after);
  else if (after !== null && !Number.isNaN(Date.parse(after))) seconds = (Date.parse(after) - now) / 1000;
  if (seconds === undefined) return COOLDOWN_DEFAULT_SECONDS;
  return Math.min(COOLDOWN_MAX_SECONDS, Math.max(COOLDOWN_MIN_SECONDS, Math.ceil(seconds)));
}

/** The order to try endpoints in: those not cooling down as listed, then the cooling ones, soonest free first. */
export function attemptOrder<T extends { readonly name: string }>(endpoints: readonly T[], coolingUntil: ReadonlyMap<string, number>, now: number): T[] {
  const until = (endpoint: T) => coolingUntil.get(endpoint.name) ?? 0;
  const ready = endpoints.filter((endpoint) => until(endpoint) <= now);
  const cooling = endpoints.filter((endpoint) => until(endpoint) > now).sort((a, b) => until(a) - until(b));
  return [...ready, ...cooling];
}
