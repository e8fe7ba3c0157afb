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
