import type { HttpResult } from "../types.js";

/** The parts of a Lambda Function URL event (payload format 2.0) the edge reads. */
export interface FunctionUrlEvent {
  readonly requestContext: { readonly http: { readonly method: string }; readonly requestId?: string };
  readonly rawPath?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function isFunctionUrlEvent(event: unknown): event is FunctionUrlEvent {
  const http = (event as { requestContext?: { http?: { method?: unknown } } } | null)?.requestContext?.http;
  return typeof http?.method === "string";
}

export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly tooLarge: boolean };

/** Decodes the body (base64 when flagged) and enforces the size limit before anything parses it. */
export function readBody(event: FunctionUrlEvent): BodyResult {
  const raw = typeof event.body === "string" ? event.body : "";
  // A base64 body is 4/3 the size of its bytes: refuse on the encoded length before decoding anything large.
  if (raw.length > (event.isBase64Encoded ? Math.ceil(MAX_BODY_BYTES / 3) * 4 + 4 : MAX_BODY_BYTES * 4)) {
    return { ok: false, tooLarge: true };
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length > MAX_BODY_BYTES) return { ok: false, tooLarge: true };
  return { ok: true, text: bytes.toString("utf8") };
}

export function toFunctionUrlResult(result: HttpResult): FunctionUrlResult {
  return {
    statusCode: result.statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(result.body),
  };
}
