import type { DoorayMessage } from "../types.js";

export type PostResult = { readonly ok: true; readonly attempts: number } | { readonly ok: false; readonly attempts: number; readonly reason: string };

export interface PostOptions {
  readonly attempts: number;
  /** Wait before the second attempt; doubles after each failure. */
  readonly backoffMs: number;
  readonly timeoutMs: number;
}

export const FINAL_POST: PostOptions = { attempts: 4, backoffMs: 250, timeoutMs: 10_000 };
/** A progress update that fails is simply superseded by the next one. */
export const PROGRESS_POST: PostOptions = { attempts: 1, backoffMs: 0, timeoutMs: 5_000 };

/**
 * POSTs a message to a Dooray responseUrl. Success means HTTP 2xx *and* `header.isSuccessful` in Dooray's answer;
 * anything else is retried with backoff, then reported (the caller logs it).
 */
export async function postToDooray(responseUrl: string, message: DoorayMessage, options: PostOptions = FINAL_POST): Promise<PostResult> {
  let reason = "";
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) {
        reason = `HTTP ${response.status}`;
        continue;
      }
      const header = parseHeader(text);
      if (header?.isSuccessful === true) return { ok: true, attempts: attempt };
      reason = header ? `isSuccessful false (${String(header.resultCode)} ${String(header.resultMessage ?? "")})`.trim() : "answer without header";
    } catch (error) {
      reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }
  return { ok: false, attempts: options.attempts, reason };
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
