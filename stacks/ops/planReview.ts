import { createHash } from "node:crypto";
import type { PlanJson } from "./offlineTerraform.js";
import { brokenRules } from "./gateRules.js";
import { reviewSummary } from "./reviewSummary.js";
import { attributeDetail, changedAttributes, describe, nameOf, policyChanges, sideOf } from "./changeDetails.js";
import type { ChangeAction, Entry, Loss, PlanReview, ResourceChange } from "./planTypes.js";

export { COMMENT_LIMIT, type ChangeAction, type Loss, type PlanReview, type ResourceChange } from "./planTypes.js";

/**
 * The review of one saved plan (`terraform show -json`): what changes, what the gate stops (data lost, access
 * widened), the drift, and the plan's digest. Pure: planComment.ts writes it as the pull request's comment, with the
 * reviewer's summary and the policy scan; the caller reads the files and prints the result (stacks/ops/review.ts).
 * Values are shown only where the plan does not mark them sensitive and their names do not look like a secret's
 * (changeDetails.ts, shownValue), so nothing sensitive in a plan can reach the comment.
 */

const ORDER: readonly ChangeAction[] = ["replace", "delete", "forget", "create", "update"];

export function actionOf(actions: readonly string[]): ChangeAction | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("forget")) return "forget";
  if (actions.length === 1 && (actions[0] === "delete" || actions[0] === "create" || actions[0] === "update")) return actions[0] as ChangeAction;
  return undefined; // no-op, read
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
