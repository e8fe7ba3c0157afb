/**
 * IAM policy documents as a plan holds them, read whatever valid shape they take: `Statement` one object or a list,
 * `Action`, `Resource` and `Principal` a string or a list, `Principal` "*" or a map. Pure; the reviewer's summary
 * and the comment read every policy through here, so no valid plan can crash the review.
 */

export interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: readonly string[];
  /** `NotAction`: everything but these. */
  readonly NotAction: readonly string[];
  readonly Resource: readonly string[];
  readonly NotResource: readonly string[];
  /** Principals as `AWS arn…`, `Service name`, `Federated …`, or `*` (anyone). Empty in an identity policy. */
  readonly Principal: readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

const list = (value: unknown): string[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function principals(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value === "*" ? "*" : value];
  if (typeof value !== "object") return [String(value)];
  return Object.entries(value as Record<string, unknown>).flatMap(([kind, ids]) =>
    list(ids).map((id) => (kind === "AWS" && id === "*" ? "*" : `${kind} ${id}`)),
  );
}

/** A policy's statements, or undefined when the document is not known before apply or is not a policy. */
export function parsePolicy(document: unknown): Statement[] | undefined {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const raw = (parsed as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw && typeof raw === "object" ? [raw] : [];
  return statements.map((statement: Record<string, unknown>, index) => ({
    Sid: typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : `#${index + 1}`,
    Effect: String(statement.Effect ?? "Allow"),
    Action: list(statement.Action),
    NotAction: list(statement.NotAction),
    Resource: list(statement.Resource),
    NotResource: list(statement.NotResource),
    Principal: [...principals(statement.Principal), ...principals(statement.NotPrincipal).map((principal) => `everyone but ${principal}`)],
    ...(statement.Condition && typeof statement.Condition === "object" ? { Condition: statement.Condition as Record<string, unknown> } : {}),
  }));
}

/** Managed policies that give a role the run of an account, or of a whole service's data. */
const ADMIN_LIKE = /^arn:aws[\w-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|[\w-]*FullAccess)$/;

export const isAdminLikeManagedPolicy = (arn: string) => ADMIN_LIKE.test(arn);

/** Actions with no resource-level permissions: AWS documents `*` as their only resource. */
const RESOURCELESS = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData", "logs:CreateLogGroup"]);

/**
 * What is wide about an Allow statement, in words (empty when nothing is): a wildcard action, a `*` resource (in an
 * identity policy, for actions that have resources), NotAction or NotResource, anyone as principal, another
 * account as principal.
 */
export function widenings(statement: Statement, ownAccounts: readonly string[], kind: "identity" | "resource"): string[] {
  if (statement.Effect !== "Allow") return [];
  const found: string[] = [];
  const wildActions = statement.Action.filter((action) => action === "*" || /:\*$/.test(action));
  // A key policy's own account administering the key (kms:* for the root) is how every key is kept manageable.
  const ownRoot = (principal: string) => ownAccounts.some((account) => principal === `AWS arn:aws:iam::${account}:root` || principal === `AWS ${account}`);
  if (wildActions.length > 0 && !(kind === "resource" && statement.Principal.length > 0 && statement.Principal.every(ownRoot)))
    found.push(`grants ${wildActions.join(", ")}`);
  if (statement.NotAction.length > 0) found.push(`grants every action but ${statement.NotAction.join(", ")}`);
  if (kind === "identity" && statement.Resource.includes("*") && !statement.Action.every((action) => RESOURCELESS.has(action)))
    found.push("on every resource (*)");
  if (statement.NotResource.length > 0) found.push(`on every resource but ${statement.NotResource.join(", ")}`);
  for (const principal of statement.Principal) {
    if (principal === "*" || principal.startsWith("everyone but"))
      found.push(statement.Condition ? `to anyone (only if ${JSON.stringify(statement.Condition)})` : "to anyone (public)");
    const account = /^AWS (?:arn:aws[\w-]*:(?:iam|sts)::)?(\d{12})\b/.exec(principal)?.[1];
    if (account && !ownAccounts.includes(account)) found.push(`to another account (${account})`);
  }
  return found;
}

/** One line per statement, as a reviewer reads it. */
export function describeStatement(statement: Statement): string {
  const actions = statement.NotAction.length > 0 ? `every action but ${statement.NotAction.join(", ")}` : statement.Action.join(", ");
  const resources = statement.NotResource.length > 0 ? `every resource but ${statement.NotResource.join(", ")}` : statement.Resource.join(", ");
  const who = statement.Principal.length > 0 ? `${statement.Principal.join(", ")} may ` : "";
  return `${statement.Sid} (${statement.Effect}): ${who}${actions}${resources ? ` on ${resources}` : ""}${statement.Condition ? `, only if ${JSON.stringify(statement.Condition)}` : ""}`;
}

/** Statement by statement, what changes between two documents (by Sid, else by position). */
export function policyDiff(before: unknown, after: unknown, afterKnown = true): string[] {
  if (!afterKnown) return ["(the new document is known after apply)"];
  const was = parsePolicy(before) ?? [];
  const now = parsePolicy(after);
  if (!now) return ["(the new document is not a policy)"];
  const text = (statement: Statement) => describeStatement(statement);
  const byId = (statements: Statement[]) => new Map(statements.map((statement) => [statement.Sid, statement]));
  const [old, fresh] = [byId(was), byId(now)];
  const lines: string[] = [];
  for (const [sid, statement] of fresh) {
    const previous = old.get(sid);
    if (!previous) lines.push(`+ ${text(statement)}`);
    else if (text(previous) !== text(statement)) lines.push(`~ ${text(previous)} → ${text(statement)}`);
  }
  for (const [sid, statement] of old) if (!fresh.has(sid)) lines.push(`- ${text(statement)}`);
  return lines;
}
