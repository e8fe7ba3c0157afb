import { messages } from "../dooray/messages.js";

export type ModelFailure = "keyRejected" | "rateLimited" | "modelFailed" | "unreachable" | "timedOut" | "streamBroken";

/**
 * Maps whatever the model call threw to what we tell the person. Reads duck-typed fields (status, name) so the
 * worker does not import the SDK's error classes just to test against them.
 */
export function classifyModelError(error: unknown, context: { deadlinePassed: boolean; streamStarted: boolean }): ModelFailure {
  if (context.deadlinePassed) return "timedOut";
  const { status } = (error ?? {}) as { status?: unknown };
  // The SDK's classes keep Error's `name`; the constructor's name is the reliable one.
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (name === "APIConnectionTimeoutError") return "timedOut";
  if (typeof status === "number") {
    if (status === 401 || status === 403) return "keyRejected";
    if (status === 429) return "rateLimited";
    return "modelFailed";
  }
  if (context.streamStarted) return "streamBroken";
  if (name === "APIConnectionError") return "unreachable";
  return "streamBroken";
}

export function failureMessage(failure: ModelFailure): string {
  switch (failure) {
    case "keyRejected":
      return messages.keyRejected;
    case "rateLimited":
      return messages.rateLimited;
    case "modelFailed":
    case "unreachable":
      return messages.modelFailed;
    case "timedOut":
      return messages.timedOut;
    case "streamBroken":
      return messages.streamBroken;
  }
}

/**
 * What a log line may say about a model error: its class, HTTP status, and the provider's error code and type. Not
 * its message: some endpoints echo the request (the question) or a masked key in it. With LOG_PROMPTS=1 (debug
 * only) the message is added.
 */
export function describeModelError(error: unknown, withMessage: boolean): Record<string, unknown> {
  const { status, code, type } = (error ?? {}) as { status?: unknown; code?: unknown; type?: unknown };
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return {
    class: typeof name === "string" && name !== "Object" ? name : typeof error,
    ...(typeof status === "number" ? { status } : {}),
    ...(typeof code === "string" ? { code: code.slice(0, 100) } : {}),
    ...(typeof type === "string" ? { type: type.slice(0, 100) } : {}),
    ...causeCodeOf(error),
    ...(withMessage && error instanceof Error ? { message: error.message } : {}),
  };
}

/**
 * Why a connection failed, as the system or TLS layer names it (ECONNREFUSED, ENOTFOUND, ETIMEDOUT,
 * CERT_HAS_EXPIRED, …): the SDK wraps it in APIConnectionError, fetch in a TypeError, so it sits a few causes
 * down. Only that code is taken; messages may carry the request.
 */
function causeCodeOf(error: unknown): { causeCode?: string } {
  let cause = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 5 && cause !== null && typeof cause === "object"; depth++) {
    const { code } = cause as { code?: unknown };
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]{2,60}$/.test(code)) return { causeCode: code };
    // Several addresses tried (IPv4 and IPv6): an AggregateError holds each attempt's error.
    const { errors } = cause as { errors?: unknown };
    cause = Array.isArray(errors) && errors.length > 0 ? errors[0] : (cause as { cause?: unknown }).cause;
  }
  return {};
}
