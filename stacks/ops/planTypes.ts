import type { GateRule } from "./gateRules.js";
import type { PlanJson } from "./offlineTerraform.js";

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

export type Change = PlanJson["resource_changes"][number]["change"] & {
  before?: Record<string, unknown> | null;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: (string | number)[][];
};
export type Entry = { address: string; type: string; change: Change; action_reason?: string };
