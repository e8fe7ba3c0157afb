import { httpRequest } from "../net/httpRequest.js";
import type { DoorayMessage } from "../types.js";

export type PostResult = { readonly ok: true; readonly attempts: number } | { readonly ok: false; readonly attempts: number; readonly reason: string };

export interface PostOptions {
  readonly attempts: number;
  /** Wait before the second attempt; doubles after each failure. */
  readonly backoffMs: number;
  readonly timeoutMs: number;
  /** Epoch ms after which no attempt starts and none runs on: the caller's own deadline. */
  readonly deadlineAt?: number;
}

export const FINAL_POST: PostOptions = { attempts: 4, backoffMs: 250, timeoutMs: 10_000 };
/** A progress update that fails is simply superseded by the next one. */
export const PROGRESS_POST: PostOptions = { attempts: 1, backoffMs: 0, timeoutMs: 5_000 };

/** Dooray answers with a small JSON header; a few KiB is plenty, and more is never read. */
const MAX_RESPONSE_BYTES = 8 * 1024;

/**
 * POSTs a message to a Dooray responseUrl. Success means HTTP 2xx *and* `header.isSuccessful` in Dooray's answer;
 * anything else is retried with backoff, then reported (the caller logs it). A redirect is a failure, never
 * followed: the answer's text must not travel to a host the responseUrl check never saw.
 */
export async function postToDooray(responseUrl: string, message: DoorayMessage, options: PostOptions = FINAL_POST): Promise<PostResult> {
  let reason = "";
  let attempt = 1;
  const left = () => (options.deadlineAt ?? Infinity) - Date.now();
  for (; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(options.backoffMs * 2 ** (attempt - 2), Math.max(0, left())));
    if (left() <= 0) {
      reason = reason ? `${reason}; then out of time` : "out of time";
      break;
    }
    try {
      const response = await httpRequest(new URL(responseUrl), JSON.stringify(message), {
        headers: { "content-type": "application/json; charset=utf-8" },
        timeoutMs: Math.min(options.timeoutMs, left()),
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      if (response.status < 200 || response.status > 299) {
        reason = `HTTP ${response.status}`;
        // A redirect or a refusal will not change on a second try; an overloaded server might.
        if (response.status === 429 || response.status >= 500) continue;
        break;
      }
      const header = parseHeader(response.body);
      if (header?.isSuccessful === true) return { ok: true, attempts: attempt };
      reason = header ? `isSuccessful false (${String(header.resultCode)} ${String(header.resultMessage ?? "")})`.trim() : "answer without header";
    } catch (error) {
      reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }
  return { ok: false, attempts: Math.min(attempt, options.attempts), reason };
}

function parseHeader(text: string): { isSuccessful?: unknown; resultCode?: unknown; resultMessage?: unknown } | undefined {
  try {
    const parsed = JSON.parse(text) as { header?: unknown };
    return typeof parsed.header === "object" && parsed.header !== null ? parsed.header : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
