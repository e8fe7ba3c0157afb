import { createHash } from "node:crypto";
import type { PlanJson } from "./offlineTerraform.js";
import { formatPolicy, type PolicyResult } from "./policyReport.js";
import { formatSummary, reviewSummary } from "./reviewSummary.js";

/**
 * One pull-request comment from one saved plan (`terraform show -json`): what changes, whether it destroys state,
 * the reviewer's summary and the policy scan. Pure: the caller reads the files and prints the result
 * (stacks/tools/review.ts). It prints attribute and variable names, never their values, so nothing sensitive in a
 * plan can reach the comment.
 */

export type ChangeAction = "replace" | "delete" | "create" | "update";

export interface ResourceChange {
  readonly action: ChangeAction;
  readonly address: string;
  readonly type: string;
  /** The resource's own name (a table, a function, a secret), when it has one. */
  readonly name: string | undefined;
  /** What changes, in words: attribute and variable names only. */
  readonly detail: string;
}

/** The resources whose deletion loses data or access that no re-create brings back. */
export const STATE_HOLDING: Readonly<Record<string, string>> = {
  aws_dynamodb_table: "the table: every conversation, daily usage and job row",
  aws_secretsmanager_secret: "a secret: its value is gone (and its name is held for the recovery window)",
  aws_kms_key: "the KMS key: everything it encrypts becomes unreadable once the key is deleted",
  aws_cloudwatch_log_group: "a log group: its logs",
  aws_sqs_queue: "the dead-letter queue: failure records waiting in it",
};

/** GitHub refuses comments over 65,536 characters; the rows are cut first, then the summary. */
export const COMMENT_LIMIT = 60_000;

export interface PlanReview {
  readonly stack: string;
  readonly counts: Readonly<Record<ChangeAction, number>> & { readonly unchanged: number };
  readonly changes: readonly ResourceChange[];
  /** Replacements and deletions of STATE_HOLDING resources. */
  readonly destroysState: readonly ResourceChange[];
  /** A digest of every change, the same for the same plan however often it is made (see planFingerprint). */
  readonly fingerprint: string;
}

type Change = PlanJson["resource_changes"][number]["change"] & { before?: Record<string, unknown> | null; before_sensitive?: unknown; after_sensitive?: unknown; replace_paths?: (string | number)[][] };
type Entry = { address: string; type: string; change: Change; action_reason?: string };

const ORDER: readonly ChangeAction[] = ["replace", "delete", "create", "update"];

export function actionOf(actions: readonly string[]): ChangeAction | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.length === 1 && (actions[0] === "delete" || actions[0] === "create" || actions[0] === "update")) return actions[0] as ChangeAction;
  return undefined; // no-op, read
}

/** Attributes every update recomputes; naming them would only hide the real change. */
const RECOMPUTED = new Set(["last_modified", "qualified_arn", "qualified_invoke_arn", "version", "code_sha256", "source_code_size", "tags_all"]);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function changedAttributes(change: Change): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !RECOMPUTED.has(name) && (unknown[name] === true ? before[name] !== null && before[name] !== undefined : !same(before[name], after[name]))).sort();
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
    const described = names.flatMap((name) => (!(name in was) ? [`+${name}`] : !(name in now) ? [`-${name}`] : same(was[name], now[name]) ? [] : [`~${name}`]));
    parts.push(`environment: ${described.length > 0 ? described.map(code).join(", ") : "(values known after apply)"}`);
  }
  const others = attributes.filter((name) => !["source_code_hash", "filename", "s3_key", "image_uri", "environment"].includes(name));
  if (others.length > 0) parts.push(`also ${others.map(code).join(", ")}`);
  return parts.join("; ");
}

const short = (hash: unknown) => (typeof hash === "string" && hash.length > 0 ? code(hash.slice(0, 10) + "…") : "(new)");
const code = (text: string) => "`" + text.replace(/`/g, "'") + "`";

function describe(entry: Entry, action: ChangeAction): string {
  if (action === "create") return "new";
  if (action === "delete") return entry.action_reason === "delete_because_no_resource_config" ? "no longer in the configuration" : "deleted";
  if (action === "replace") {
    const paths = (entry.change.replace_paths ?? []).map((path) => path.join("."));
    return paths.length > 0 ? `${paths.map(code).join(", ")} cannot change in place` : "replaced";
  }
  const attributes = changedAttributes(entry.change);
  if (entry.type === "aws_lambda_function") return functionDetail(entry.change, attributes);
  return attributes.length > 0 ? attributes.map(code).join(", ") : "(values known after apply)";
}

function nameOf(change: Change): string | undefined {
  const values = (change.after ?? change.before ?? {}) as Record<string, unknown>;
  const name = values.name ?? values.function_name ?? values.alarm_name ?? values.dashboard_name ?? values.layer_name ?? values.role;
  return typeof name === "string" ? name : undefined;
}

/**
 * A digest of what the plan would do: each changing resource's address, actions, before and after. Two plans of
 * the same configuration against the same state have the same one; the apply workflow compares it with the
 * reviewed comment's before it applies (docs/operations.md, "Review in pull requests").
 */
export function planFingerprint(plan: PlanJson): string {
  const changing = (plan.resource_changes as Entry[])
    .filter((entry) => actionOf(entry.change.actions) !== undefined)
    .map((entry) => [entry.address, entry.change.actions, entry.change.before ?? null, entry.change.after ?? null, entry.change.after_unknown ?? null]);
  const outputs = (plan as { output_changes?: unknown }).output_changes ?? {};
  return createHash("sha256").update(JSON.stringify([changing, outputs])).digest("hex");
}

/** The stack a plan belongs to: stacks tag every resource with their environment (default_tags). */
export function stackOfPlan(plan: PlanJson): string | undefined {
  const tags = (plan as { configuration?: { provider_config?: { aws?: { expressions?: { default_tags?: { tags?: { constant_value?: Record<string, string> } }[] } } } } }).configuration?.provider_config?.aws?.expressions
    ?.default_tags?.[0]?.tags?.constant_value;
  return tags?.Environment ? `dooray-gpt-${tags.Environment}` : undefined;
}

export function allowedAccountsOfPlan(plan: PlanJson): string[] {
  const ids = (plan as { configuration?: { provider_config?: { aws?: { expressions?: { allowed_account_ids?: { constant_value?: string[] | null } } } } } }).configuration?.provider_config?.aws?.expressions?.allowed_account_ids
    ?.constant_value;
  return Array.isArray(ids) ? ids : [];
}

export function reviewPlan(plan: PlanJson, stack = stackOfPlan(plan) ?? "this stack"): PlanReview {
  const counts = { replace: 0, delete: 0, create: 0, update: 0, unchanged: 0 };
  const changes: ResourceChange[] = [];
  for (const entry of plan.resource_changes as Entry[]) {
    const action = actionOf(entry.change.actions);
    if (!action) {
      counts.unchanged++;
      continue;
    }
    counts[action]++;
    changes.push({ action, address: entry.address, type: entry.type, name: nameOf(entry.change), detail: describe(entry, action) });
  }
  changes.sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || a.address.localeCompare(b.address));
  const destroysState = changes.filter((change) => (change.action === "replace" || change.action === "delete") && change.type in STATE_HOLDING);
  return { stack, counts, changes, destroysState, fingerprint: planFingerprint(plan) };
}

export interface CommentOptions {
  readonly allowDestroy: boolean;
  readonly policy?: { readonly result: PolicyResult; readonly exceptions: readonly string[] };
  /** The reviewer's summary needs the plan itself; the account ids come from the provider block when not given. */
  readonly allowedAccountIds?: readonly string[];
}

/** The hidden first line: one comment per stack is found, and updated, by it (and the apply step reads its digest). */
export const commentMarker = (stack: string, fingerprint: string) => `<!-- dooray-gpt-review stack=${stack} plan=${fingerprint} -->`;

const ICON: Record<ChangeAction, string> = { replace: "♻️ replace", delete: "🗑️ delete", create: "➕ create", update: "✏️ update" };

/** The gate: exit code 2 when the plan destroys state and --allow-destroy was not given. */
export function gateFails(review: PlanReview, allowDestroy: boolean): boolean {
  return review.destroysState.length > 0 && !allowDestroy;
}

export function formatComment(review: PlanReview, plan: PlanJson, options: CommentOptions): string {
  const { counts } = review;
  const head = [
    commentMarker(review.stack, review.fingerprint),
    `### Plan for \`${review.stack}\`: ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete (${counts.unchanged} unchanged)`,
    "",
  ];
  if (review.destroysState.length === 0) head.push("✅ Nothing that holds data is deleted or replaced.");
  else {
    head.push(
      gateFails(review, options.allowDestroy)
        ? "⛔ **This plan deletes or replaces resources that hold data. The review gate stops it.** If that is what you mean, re-run the review with `--allow-destroy` (in pull requests: the `allow-destroy` label), after reading docs/operations.md, \"What the gate blocks\"."
        : "⚠️ **This plan deletes or replaces resources that hold data; `--allow-destroy` was given, so the gate lets it pass.**",
    );
    for (const change of review.destroysState) head.push(`- ${ICON[change.action]} ${code(change.address)}${change.name ? ` (${escapeCell(change.name)})` : ""}: ${STATE_HOLDING[change.type]}`);
  }
  head.push("");
  const rows = review.changes.length === 0 ? ["No changes: the deployed resources match the configuration."] : ["| change | resource | name | what changes |", "| --- | --- | --- | --- |"];
  for (const change of review.changes) rows.push(`| ${ICON[change.action]} | ${code(change.address)} | ${change.name ? escapeCell(change.name) : ""} | ${escapeCell(change.detail)} |`);
  const policy = options.policy ? ["", "#### Policy scan", "", fenced(formatPolicy(options.policy.result, options.policy.exceptions))] : [];
  const summaryText = formatSummary(reviewSummary(review.stack, plan, options.allowedAccountIds ?? allowedAccountsOfPlan(plan)));
  const summary = ["", "<details><summary>Reviewer's summary: what is public, what each role may do, secrets, budgets and spend, retention, alarms</summary>", "", fenced(summaryText), "", "</details>"];
  return fit(head, rows, policy, summary);
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
