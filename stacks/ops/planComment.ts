import type { PlanJson } from "./offlineTerraform.js";
import { WHOLE_RESOURCE } from "./gateRules.js";
import { formatPolicy, type PolicyResult } from "./policyReport.js";
import { reviewSummary } from "./reviewSummary.js";
import { allowedAccountsOfPlan } from "./planReview.js";
import { COMMENT_LIMIT, type ChangeAction, type Loss, type PlanReview } from "./planTypes.js";
import { formatSummary } from "./summaryText.js";
import { code } from "./changeDetails.js";

/** The pull-request comment for one reviewed plan: its marker, the gate's verdict, the changes table, the summary and the scan, fitted to GitHub's size limit. */
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
