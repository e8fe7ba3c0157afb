import { createHash } from "node:crypto";
import type { PlanJson } from "./offlineTerraform.js";
import { brokenRules, WHOLE_RESOURCE, type GateRule, type Side } from "./gateRules.js";
import { policyDiff } from "./iamPolicy.js";
import { formatPolicy, type PolicyResult } from "./policyReport.js";
import { formatSummary, reviewSummary } from "./reviewSummary.js";

/**
 * One pull-request comment from one saved plan (`terraform show -json`): what changes, whether it destroys state,
 * the reviewer's summary and the policy scan. Pure: the caller reads the files and prints the result
 * (stacks/tools/review.ts). It prints an attribute's values only where the plan does not mark it sensitive and its
 * name does not look like a secret's (see shownValue), so nothing sensitive in a plan can reach the comment.
 */

/** `forget`: a `removed { lifecycle { destroy = false } }` block takes the resource out of state, leaving it unmanaged. */
export type ChangeAction = "replace" | "delete" | "forget" | "create" | "update";

export interface ResourceChange {
  readonly action: ChangeAction;
  readonly address: string;
  readonly type: string;
  /** The resource's own name (a table, a function, a secret), when it has one. */
  readonly name: string | undefined;
  /** What changes, in words: names, and before → after where the values are not sensitive. */
  readonly detail: string;
  /** Policy documents that change, statement by statement. */
  readonly policyChanges: readonly string[];
}

/** A change the gate stops: the resource change and the rule it breaks (gateRules.ts). */
export interface Loss {
  readonly change: ResourceChange;
  readonly rule: GateRule;
}

/** GitHub refuses comments over 65,536 characters; the rows are cut first, then the summary. */
export const COMMENT_LIMIT = 60_000;

export interface PlanReview {
  readonly stack: string;
  readonly counts: Readonly<Record<ChangeAction, number>> & { readonly unchanged: number };
  readonly changes: readonly ResourceChange[];
  /** Every change that breaks a gate rule: data lost, or access cut off, by a delete, replace, forget or in place. */
  readonly losses: readonly Loss[];
  /** Grants this plan adds: wildcards, admin-like policies, another account, the public (reviewSummary's flags). */
  readonly widened: readonly string[];
  /** What changed outside Terraform since the last apply (the plan's resource_drift). */
  readonly drift: readonly { readonly address: string; readonly detail: string }[];
  /** A digest of every change, the same for the same plan however often it is made (see planFingerprint). */
  readonly fingerprint: string;
}

type Change = PlanJson["resource_changes"][number]["change"] & {
  before?: Record<string, unknown> | null;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: (string | number)[][];
};
type Entry = { address: string; type: string; change: Change; action_reason?: string };

const ORDER: readonly ChangeAction[] = ["replace", "delete", "forget", "create", "update"];

export function actionOf(actions: readonly string[]): ChangeAction | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("forget")) return "forget";
  if (actions.length === 1 && (actions[0] === "delete" || actions[0] === "create" || actions[0] === "update")) return actions[0] as ChangeAction;
  return undefined; // no-op, read
}

const sideOf = (values: unknown, unknown: unknown): Side => ({
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
const code = (text: string) => "`" + text.replace(/`/g, "'") + "`";

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

function attributeDetail(change: Change, name: string): string {
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
function policyChanges(entry: Entry): string[] {
  const change = entry.change;
  return changedAttributes(change)
    .filter((name) => POLICY_ATTRIBUTES.has(name))
    .flatMap((name) =>
      policyDiff((change.before ?? {})[name], (change.after ?? {})[name], (change.after_unknown as Record<string, unknown> | undefined)?.[name] !== true).map(
        (line) => `${entry.address} ${name}: ${line}`,
      ),
    );
}

function describe(entry: Entry, action: ChangeAction): string {
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

function nameOf(change: Change): string | undefined {
  const values = (change.after ?? change.before ?? {}) as Record<string, unknown>;
  const name = values.name ?? values.function_name ?? values.alarm_name ?? values.dashboard_name ?? values.layer_name ?? values.role;
  return typeof name === "string" ? name : undefined;
}

/**
 * A digest of what the plan would do: each changing resource's address, actions (a forget included), before and
 * after. Two plans of the same configuration against the same state have the same one; the apply workflow compares
 * it with the one the review's check run recorded before it applies (docs/operations.md, "Review in pull requests").
 */
export function planFingerprint(plan: PlanJson): string {
  const changing = (plan.resource_changes as Entry[])
    .filter((entry) => actionOf(entry.change.actions) !== undefined)
    .map((entry) => [entry.address, entry.change.actions, entry.change.before ?? null, entry.change.after ?? null, entry.change.after_unknown ?? null]);
  const outputs = (plan as { output_changes?: unknown }).output_changes ?? {};
  return createHash("sha256")
    .update(JSON.stringify([changing, outputs]))
    .digest("hex");
}

/** The stack a plan belongs to: stacks tag every resource with their environment (default_tags). */
export function stackOfPlan(plan: PlanJson): string | undefined {
  const tags = (
    plan as { configuration?: { provider_config?: { aws?: { expressions?: { default_tags?: { tags?: { constant_value?: Record<string, string> } }[] } } } } }
  ).configuration?.provider_config?.aws?.expressions?.default_tags?.[0]?.tags?.constant_value;
  return tags?.Environment ? `dooray-gpt-${tags.Environment}` : undefined;
}

export function allowedAccountsOfPlan(plan: PlanJson): string[] {
  const ids = (plan as { configuration?: { provider_config?: { aws?: { expressions?: { allowed_account_ids?: { constant_value?: string[] | null } } } } } })
    .configuration?.provider_config?.aws?.expressions?.allowed_account_ids?.constant_value;
  return Array.isArray(ids) ? ids : [];
}

export function reviewPlan(plan: PlanJson, stack = stackOfPlan(plan) ?? "this stack"): PlanReview {
  const counts = { replace: 0, delete: 0, forget: 0, create: 0, update: 0, unchanged: 0 };
  const changes: ResourceChange[] = [];
  const losses: Loss[] = [];
  for (const entry of plan.resource_changes as Entry[]) {
    const action = actionOf(entry.change.actions);
    if (!action) {
      counts.unchanged++;
      continue;
    }
    counts[action]++;
    const change: ResourceChange = {
      action,
      address: entry.address,
      type: entry.type,
      name: nameOf(entry.change),
      detail: describe(entry, action),
      policyChanges: policyChanges(entry),
    };
    changes.push(change);
    const [before, after] = [sideOf(entry.change.before, undefined), sideOf(entry.change.after, entry.change.after_unknown)];
    for (const rule of brokenRules(entry.type, action, before, after)) losses.push({ change, rule });
  }
  changes.sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || a.address.localeCompare(b.address));
  losses.sort((a, b) => ORDER.indexOf(a.change.action) - ORDER.indexOf(b.change.action) || a.change.address.localeCompare(b.change.address));
  const drift = ((plan as { resource_drift?: Entry[] }).resource_drift ?? []).map((entry) => ({
    address: entry.address,
    detail: entry.change.actions.includes("delete")
      ? "deleted outside Terraform"
      : changedAttributes(entry.change)
          .map((name) => attributeDetail(entry.change, name))
          .join(", ") || "changed outside Terraform",
  }));
  return { stack, counts, changes, losses, widened: widenedAccess(plan, stack), drift, fingerprint: planFingerprint(plan) };
}

/** The plan's "before" as a plan: what is deployed now (nothing it creates; the rest as it was). */
function priorOf(plan: PlanJson): PlanJson {
  const deployed = (plan.resource_changes as Entry[]).filter((entry) => entry.change.before);
  return {
    ...plan,
    resource_changes: deployed.map((entry) => ({ ...entry, change: { ...entry.change, actions: ["no-op"], after: entry.change.before, after_unknown: {} } })),
  } as PlanJson;
}

/**
 * The access this plan widens: the reviewer's summary's flags after it, less those the deployed resources already
 * had. An unchanged stack widens nothing, whatever it grants; a plan that adds a grant is stopped by the gate.
 */
export function widenedAccess(plan: PlanJson, stack: string): string[] {
  const accounts = allowedAccountsOfPlan(plan);
  const already = new Set(reviewSummary(stack, priorOf(plan), accounts).accessFlags);
  return reviewSummary(stack, plan, accounts).accessFlags.filter((flag) => !already.has(flag));
}

export interface CommentOptions {
  readonly allowDestroy: boolean;
  readonly policy?: { readonly result: PolicyResult; readonly exceptions: readonly string[] };
  /** The reviewer's summary needs the plan itself; the account ids come from the provider block when not given. */
  readonly allowedAccountIds?: readonly string[];
  /** The commit that was planned, and the run that planned it: the comment names both. */
  readonly commit?: string;
  readonly runUrl?: string;
}

/** The hidden first line: one comment per stack is found, and updated, by it. */
export const commentMarker = (stack: string, fingerprint: string) => `<!-- dooray-gpt-review stack=${stack} plan=${fingerprint} -->`;

const ICON: Record<ChangeAction, string> = { replace: "♻️ replace", delete: "🗑️ delete", forget: "👻 forget", create: "➕ create", update: "✏️ update" };

/** The gate: exit code 2 when the plan loses data, cuts off access or widens it, and --allow-destroy was not given. */
export function gateFails(review: PlanReview, allowDestroy: boolean): boolean {
  return (review.losses.length > 0 || review.widened.length > 0) && !allowDestroy;
}

/** One line per loss, for the comment (after the action's icon) and for stderr (with the action in words). */
export function lossLine(loss: Loss, withAction = true): string {
  const { change, rule } = loss;
  const where = `${withAction ? `${change.action} ` : ""}${change.address}${change.name ? ` (${change.name})` : ""}`;
  if (rule.attribute !== WHOLE_RESOURCE) return `${where}, ${rule.attribute}: ${rule.what}`;
  // A forgotten resource stays in AWS, but nothing manages it any more: a later plan that declares it again
  // cannot adopt it, and nothing here protects or retires it.
  return change.action === "forget" ? `${where}: ${rule.what.split(":")[0]}, left in AWS with nothing managing it` : `${where}: ${rule.what}`;
}

/** Where the plan came from: the commit and the run, when the workflow says. */
function provenance(options: CommentOptions): string[] {
  if (!options.commit && !options.runUrl) return [];
  const commit = options.commit ? `commit ${code(options.commit.slice(0, 12))}` : "this commit";
  return [`Planned at ${commit}${options.runUrl ? ` in [this run](${options.runUrl})` : ""}.`, ""];
}

export function formatComment(review: PlanReview, plan: PlanJson, options: CommentOptions): string {
  const { counts } = review;
  const summary = reviewSummary(review.stack, plan, options.allowedAccountIds ?? allowedAccountsOfPlan(plan));
  const head = [
    commentMarker(review.stack, review.fingerprint),
    `### Plan for \`${review.stack}\`: ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete, ${counts.forget} to forget (${counts.unchanged} unchanged)`,
    "",
    ...provenance(options),
  ];
  if (review.losses.length === 0 && review.widened.length === 0)
    head.push("✅ Nothing that holds data is deleted, replaced or forgotten, no protection, retention or key access is weakened, and no access is widened.");
  else {
    head.push(
      gateFails(review, options.allowDestroy)
        ? '⛔ **This plan loses data, cuts off access or widens it (below). The review gate stops it.** If that is what you mean, re-run the review with `--allow-destroy` (in pull requests: the `allow-destroy` label), after reading docs/operations.md, "What the gate blocks".'
        : "⚠️ **This plan loses data, cuts off access or widens it (below); `--allow-destroy` was given, so the gate lets it pass.**",
    );
    for (const loss of review.losses) head.push(`- ${ICON[loss.change.action]} ${escapeCell(lossLine(loss, false))}`);
    for (const flag of review.widened) head.push(`- 🔓 widens access: ${escapeCell(flag)}`);
  }
  const standing = summary.accessFlags.filter((flag) => !review.widened.includes(flag));
  if (standing.length > 0) {
    head.push("", "⚠️ **Access already granted before this plan, for a reviewer to read** (wildcards, admin-like policies, other accounts, the public):");
    for (const flag of standing) head.push(`- ⚠ ${escapeCell(flag)}`);
  }
  head.push("");
  const rows =
    review.changes.length === 0
      ? ["No changes: the deployed resources match the configuration."]
      : ["| change | resource | name | what changes |", "| --- | --- | --- | --- |"];
  for (const change of review.changes)
    rows.push(`| ${ICON[change.action]} | ${code(change.address)} | ${change.name ? escapeCell(change.name) : ""} | ${escapeCell(change.detail)} |`);
  const policyLines = review.changes.flatMap((change) => change.policyChanges);
  if (policyLines.length > 0) rows.push("", "#### Policy changes, statement by statement", "", fenced(policyLines.join("\n")));
  if (review.drift.length > 0) {
    rows.push("", "#### Changed outside Terraform since the last apply (drift; this plan sets it back where it manages it)", "");
    for (const drifted of review.drift) rows.push(`- ${code(drifted.address)}: ${escapeCell(drifted.detail)}`);
  }
  const policy = options.policy ? ["", "#### Policy scan", "", fenced(formatPolicy(options.policy.result, options.policy.exceptions))] : [];
  const summaryBlock = [
    "",
    "<details><summary>Reviewer's summary: what is public, what each role may do, secrets, budgets and spend, retention, alarms</summary>",
    "",
    fenced(formatSummary(summary)),
    "",
    "</details>",
  ];
  return fit(head, rows, policy, summaryBlock);
}

/** The comment a review that could not run leaves in place of the last one, so that no stale review looks current. */
export function failedComment(stack: string, reason: string, options: Pick<CommentOptions, "commit" | "runUrl">): string {
  return [
    commentMarker(stack, "none"),
    `### Plan for \`${stack}\`: ⛔ review failed at ${options.commit ? code(options.commit.slice(0, 12)) : "this commit"}`,
    "",
    `The review could not run${options.runUrl ? ` ([the run](${options.runUrl}))` : ""}: ${escapeCell(reason)}. Nothing here was reviewed, and no apply will take this plan.`,
  ].join("\n");
}

/** Keeps the comment under COMMENT_LIMIT: whole rows are dropped from the end first, then the summary is cut. */
function fit(head: string[], rows: string[], policy: string[], summary: string[]): string {
  const join = (parts: string[][]) => parts.map((part) => part.join("\n")).join("\n");
  const text = join([head, rows, policy, summary]);
  if (text.length <= COMMENT_LIMIT) return text;
  const room = COMMENT_LIMIT - join([head, [], policy, summary]).length - 100;
  let kept = 0;
  for (let used = 0; kept < rows.length && used + rows[kept]!.length + 1 <= room; kept++) used += rows[kept]!.length + 1;
  kept = Math.max(kept, Math.min(rows.length, 3));
  const cut = join([head, [...rows.slice(0, kept), `| … | ${rows.length - kept} more rows: see the job's log | | |`], policy, summary]);
  return cut.length <= COMMENT_LIMIT ? cut : cut.slice(0, COMMENT_LIMIT - 200) + "\n\n… (cut to fit a comment: the whole review is in the job's log)";
}

/** A code block whose fence no line of the text can close (a channel's name may hold backticks). */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\r?\n/g, " ");
}
