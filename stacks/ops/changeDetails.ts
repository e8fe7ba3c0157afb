import { type Side } from "./gateRules.js";
import { policyDiff } from "./iamPolicy.js";
import type { Change, ChangeAction, Entry } from "./planTypes.js";

/** What a reviewer reads of one change: its changed attributes, before → after where they may be shown, and its policies statement by statement. */
export const sideOf = (values: unknown, unknown: unknown): Side => ({
  values: (values ?? {}) as Record<string, unknown>,
  unknown: (unknown ?? {}) as Record<string, unknown>,
});

/** Attributes every update recomputes; naming them would only hide the real change. */
const RECOMPUTED = new Set(["last_modified", "qualified_arn", "qualified_invoke_arn", "version", "code_sha256", "source_code_size", "tags_all"]);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function changedAttributes(change: Change): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter(
      (name) => !RECOMPUTED.has(name) && (unknown[name] === true ? before[name] !== null && before[name] !== undefined : !same(before[name], after[name])),
    )
    .sort();
}

function variablesOf(values: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return ((values?.environment as { variables?: Record<string, unknown> }[] | undefined)?.[0]?.variables ?? {}) as Record<string, unknown>;
}

/** For a function: the code (its asset hash) or only its configuration, and which environment variables. */
function functionDetail(change: Change, attributes: string[]): string {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const parts: string[] = [];
  const codeChanged = attributes.some((name) => name === "source_code_hash" || name === "filename" || name === "s3_key" || name === "image_uri");
  // A signed function (codeSigning) takes its code from the signed copy's key, which a new signature changes.
  const signed = before.source_code_hash === undefined && after.source_code_hash === undefined && attributes.includes("s3_key");
  if (codeChanged && signed) parts.push("**code changed** (a new signed bundle: see its upload and signing job)");
  else if (codeChanged) parts.push(`**code changed** (asset hash ${short(before.source_code_hash)} → ${short(after.source_code_hash)})`);
  else parts.push("configuration only, same code");
  if (attributes.includes("environment")) {
    const [was, now] = [variablesOf(before), variablesOf(after)];
    const names = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    const hidden = (name: string) =>
      isSensitive(change.before_sensitive, ["environment", 0, "variables", name]) ||
      isSensitive(change.after_sensitive, ["environment", 0, "variables", name]) ||
      SECRET_LOOKING.test(name);
    // A new or removed variable is named only: nothing says what its value means. A changed one shows both values.
    const described = names.flatMap((name) =>
      !(name in was)
        ? [`+${name}`]
        : !(name in now)
          ? [`-${name}`]
          : same(was[name], now[name])
            ? []
            : [hidden(name) ? `~${name}` : `~${name}: ${shownValue(was[name])} → ${shownValue(now[name])}`],
    );
    parts.push(`environment: ${described.length > 0 ? described.map(code).join(", ") : "(values known after apply)"}`);
  }
  const others = attributes.filter((name) => !["source_code_hash", "filename", "s3_key", "image_uri", "environment"].includes(name));
  if (others.length > 0) parts.push(`also ${others.map((name) => attributeDetail(change, name)).join(", ")}`);
  return parts.join("; ");
}

const short = (hash: unknown) => (typeof hash === "string" && hash.length > 0 ? code(hash.slice(0, 10) + "…") : "(new)");
export const code = (text: string) => "`" + text.replace(/`/g, "'") + "`";

/** Names whose values are never printed, whatever the plan marks sensitive. */
const SECRET_LOOKING = /secret|passw|credential|private|api_?key|(^|_)token(_|$)|(^|_)key$/i;

/** Whether a plan's *_sensitive marking covers this path (or all of it, or anything inside it). */
function isSensitive(marking: unknown, path: readonly (string | number)[]): boolean {
  let at: unknown = marking;
  for (const key of path) {
    if (at === true) return true;
    if (at === null || typeof at !== "object") return false;
    at = (at as Record<string | number, unknown>)[key];
  }
  return JSON.stringify(at ?? false).includes("true");
}

/** A value as the comment shows it: short, on one line. */
function shownValue(value: unknown): string {
  const text = value === undefined || value === null ? "(none)" : typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Attributes that hold IAM policy documents: shown statement by statement, under the table. */
const POLICY_ATTRIBUTES = new Set(["policy", "assume_role_policy"]);

export function attributeDetail(change: Change, name: string): string {
  const unknownAfter = (change.after_unknown as Record<string, unknown> | undefined)?.[name] === true;
  if (POLICY_ATTRIBUTES.has(name)) return `${code(name)} (statement by statement below)`;
  if (isSensitive(change.before_sensitive, [name]) || isSensitive(change.after_sensitive, [name]) || SECRET_LOOKING.test(name)) return code(name);
  const before = (change.before ?? {})[name];
  const after = unknownAfter ? undefined : (change.after ?? {})[name];
  const shown = (value: unknown) => (value !== null && typeof value === "object" && JSON.stringify(value).length > 80 ? undefined : shownValue(value));
  const [was, now] = [shown(before), unknownAfter ? "(known after apply)" : shown(after)];
  return was === undefined || now === undefined ? code(name) : code(`${name}: ${was} → ${now}`);
}

/** A policy attribute's change, statement by statement: what a reviewer reads under the table. */
export function policyChanges(entry: Entry): string[] {
  const change = entry.change;
  return changedAttributes(change)
    .filter((name) => POLICY_ATTRIBUTES.has(name))
    .flatMap((name) =>
      policyDiff((change.before ?? {})[name], (change.after ?? {})[name], (change.after_unknown as Record<string, unknown> | undefined)?.[name] !== true).map(
        (line) => `${entry.address} ${name}: ${line}`,
      ),
    );
}

export function describe(entry: Entry, action: ChangeAction): string {
  if (action === "create") return "new";
  if (action === "forget") return "**forgotten**: taken out of Terraform's state and left in AWS, unmanaged (a `removed` block)";
  if (action === "delete") return entry.action_reason === "delete_because_no_resource_config" ? "no longer in the configuration" : "deleted";
  if (action === "replace") {
    const paths = (entry.change.replace_paths ?? []).map((path) => path.join("."));
    return paths.length > 0 ? `${paths.map(code).join(", ")} cannot change in place` : "replaced";
  }
  const attributes = changedAttributes(entry.change);
  if (entry.type === "aws_lambda_function") return functionDetail(entry.change, attributes);
  return attributes.length > 0 ? attributes.map((name) => attributeDetail(entry.change, name)).join(", ") : "(values known after apply)";
}

export function nameOf(change: Change): string | undefined {
  const values = (change.after ?? change.before ?? {}) as Record<string, unknown>;
  const name = values.name ?? values.function_name ?? values.alarm_name ?? values.dashboard_name ?? values.layer_name ?? values.role;
  return typeof name === "string" ? name : undefined;
}
