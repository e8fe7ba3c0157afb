import type { DoorayCommand } from "../types.js";

export type ParseResult =
  | { readonly ok: true; readonly command: DoorayCommand }
  | { readonly ok: false; readonly problem: "malformed" | "unauthorized"; readonly reason: string };

const MAX_ID_CHARS = 256;
const MAX_URL_CHARS = 2048;

/**
 * Validates the JSON body of a slash command. The app token is looked at first, so a caller without one learns
 * nothing about the schema; unknown fields are ignored, optional ones may be absent, `text` may be empty.
 */
export function parseCommand(body: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return malformed("body is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return malformed("body is not a JSON object");
  const fields = data as Record<string, unknown>;

  if (typeof fields.appToken !== "string" || fields.appToken === "") {
    return { ok: false, problem: "unauthorized", reason: "appToken missing" };
  }

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
    appToken: fields.appToken,
    triggerId: optional("triggerId"),
  };
  if (problems.length > 0) return malformed(`missing or mistyped: ${problems.join(", ")}`);
  return { ok: true, command };
}

function malformed(reason: string): ParseResult {
  return { ok: false, problem: "malformed", reason };
}
