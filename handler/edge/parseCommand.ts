import type { DoorayCommand } from "../types.js";

export type ParseResult =
  | { readonly ok: true; readonly command: DoorayCommand }
  | { readonly ok: false; readonly problem: "malformed" | "unauthorized"; readonly reason: string };

export type BodyFields = { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly reason: string };

const MAX_ID_CHARS = 256;
const MAX_URL_CHARS = 2048;

/** Step one: the body is a JSON object. Nothing else is looked at yet. */
export function parseJsonBody(body: string): BodyFields {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { ok: false, reason: "body is not a JSON object" };
  return { ok: true, fields: data as Record<string, unknown> };
}

/** Step two: the token the request presents, or undefined when it is missing, empty or not a string. */
export function presentedToken(fields: Readonly<Record<string, unknown>>): string | undefined {
  return typeof fields.appToken === "string" && fields.appToken !== "" ? fields.appToken : undefined;
}

/**
 * Step three, only after the token was verified (so a caller without it learns nothing about the schema): the
 * command's fields. Unknown fields are ignored, optional ones may be absent, `text` may be empty.
 */
export function readCommand(
  fields: Readonly<Record<string, unknown>>,
): { readonly ok: true; readonly command: DoorayCommand } | { readonly ok: false; readonly reason: string } {
  const problems: string[] = [];
  const required = (name: string, max = MAX_ID_CHARS): string => {
    const value = fields[name];
    if (typeof value !== "string" || value === "" || value.length > max) problems.push(name);
    return typeof value === "string" ? value : "";
  };
  const optional = (name: string, max = MAX_ID_CHARS): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length > max) problems.push(name);
    return typeof value === "string" ? value : undefined;
  };
  const command: DoorayCommand = {
    tenantId: required("tenantId"),
    tenantDomain: optional("tenantDomain"),
    channelId: required("channelId"),
    userId: required("userId"),
    command: required("command"),
    text: optional("text", Number.MAX_SAFE_INTEGER) ?? "",
    responseUrl: required("responseUrl", MAX_URL_CHARS),
    appToken: required("appToken"),
    triggerId: optional("triggerId"),
  };
  if (problems.length > 0) return { ok: false, reason: `missing or mistyped: ${problems.join(", ")}` };
  return { ok: true, command };
}

/** The three steps at once, for callers that hold no expected token (tests, tools). */
export function parseCommand(body: string): ParseResult {
  const parsed = parseJsonBody(body);
  if (!parsed.ok) return { ok: false, problem: "malformed", reason: parsed.reason };
  if (!presentedToken(parsed.fields)) return { ok: false, problem: "unauthorized", reason: "appToken missing" };
  const read = readCommand(parsed.fields);
  return read.ok ? read : { ok: false, problem: "malformed", reason: read.reason };
}
