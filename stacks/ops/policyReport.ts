import type { PlanJson } from "./offlineTerraform.js";
import { EDGE_PUBLIC_GRANT, edgeFunctionName } from "./reviewSummary.js";

/** What Checkov made of one plan: the counts, and each failed check by id and resource address. */
export interface PolicyResult {
  readonly stack: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly { readonly checkId: string; readonly name: string; readonly resource: string }[];
  /** Failures accepted for one resource only (EDGE_ONLY): not counted as failed, still listed. */
  readonly excepted: readonly { readonly checkId: string; readonly resource: string }[];
  /** Checkov's GitHub Actions checks on .github/workflows, when they were scanned in the same run. */
  readonly workflows?: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly failures: readonly { readonly checkId: string; readonly name: string; readonly resource: string }[];
  };
}

export class PolicyToolError extends Error {
  override readonly name = "PolicyToolError";
}

type CheckovReport = {
  check_type?: string;
  summary: { passed: number; failed: number; skipped: number };
  results: { failed_checks?: { check_id: string; check_name: string; resource_address?: string; resource: string }[] };
};

/**
 * Checks accepted on the edge's own public surface and nowhere else: its URL without auth (Dooray cannot sign) and
 * the invoke grant every new URL needs (provider 5.100.0 cannot limit it to URL calls). Checkov 3.3 cannot skip a
 * check for one resource of a plan, so the scan skips neither, and these failures are set aside here only for
 * the resources that are the edge's (docs/operations.md, "Policy scan"). The same on any other function fails.
 */
export const EDGE_ONLY: Readonly<Record<string, { readonly type: string; readonly matches: (after: Record<string, unknown>, edge: string) => boolean }>> = {
  CKV_AWS_258: { type: "aws_lambda_function_url", matches: (after, edge) => after.function_name === edge },
  CKV_AWS_301: {
    type: "aws_lambda_permission",
    matches: (after, edge) =>
      after.function_name === edge &&
      after.statement_id === EDGE_PUBLIC_GRANT.statementId &&
      after.action === EDGE_PUBLIC_GRANT.action &&
      after.principal === EDGE_PUBLIC_GRANT.principal,
  },
};

/** Whether a failed check is one of EDGE_ONLY on the edge's own resource, read from the plan. */
function isEdgeException(checkId: string, address: string, stack: string, plan: PlanJson | undefined): boolean {
  const exception = EDGE_ONLY[checkId];
  const entry = plan?.resource_changes.find((change) => change.address === address);
  return Boolean(
    exception &&
      entry &&
      entry.type === exception.type &&
      entry.change.after &&
      exception.matches(entry.change.after as Record<string, unknown>, edgeFunctionName(stack)),
  );
}

/**
 * Checkov's JSON report (`-o json`) on one plan, and on the workflows when they were scanned with it. It is one
 * object, or a list of one per framework; anything else is the tool failing, not a finding. With the plan, the
 * edge's own EDGE_ONLY failures are set aside.
 */
export function readCheckovReport(stack: string, text: string, plan?: PlanJson): PolicyResult {
  let reports: CheckovReport[];
  try {
    const parsed = JSON.parse(text) as CheckovReport | CheckovReport[];
    reports = Array.isArray(parsed) ? parsed : [parsed];
    if (reports.length === 0 || reports.some((report) => typeof report?.summary?.passed !== "number")) throw new Error("no summary");
  } catch {
    throw new PolicyToolError(`not a Checkov JSON report (checkov -o json): ${text.slice(0, 200)}`);
  }
  const counts = (report: CheckovReport) => ({
    passed: report.summary.passed,
    failed: report.summary.failed,
    skipped: report.summary.skipped,
    failures: (report.results.failed_checks ?? []).map((check) => ({
      checkId: check.check_id,
      name: check.check_name,
      resource: check.resource_address ?? check.resource,
    })),
  });
  const planReport = reports.find((report) => report.check_type !== "github_actions") ?? { summary: { passed: 0, failed: 0, skipped: 0 }, results: {} };
  const workflows = reports.find((report) => report.check_type === "github_actions");
  const all = counts(planReport);
  const excepted = all.failures.filter((failure) => isEdgeException(failure.checkId, failure.resource, stack, plan));
  return {
    stack,
    ...all,
    failed: all.failed - excepted.length,
    failures: all.failures.filter((failure) => !excepted.includes(failure)),
    excepted: excepted.map((failure) => ({ checkId: failure.checkId, resource: failure.resource })),
    ...(workflows ? { workflows: counts(workflows) } : {}),
  };
}

/** The checks .checkov.yaml skips: the exceptions we accept, each with its reason beside it. */
export function declaredExceptions(configText: string): string[] {
  const block = /^skip-check:\n((?:\s+(?:#.*|- \S+)\n?)+)/m.exec(configText)?.[1] ?? "";
  return [...block.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]!);
}

export function formatPolicy(result: PolicyResult, exceptions: readonly string[]): string {
  const lines = [
    `policy scan (Checkov, .checkov.yaml): ${result.stack}: ${result.passed} passed, ${result.failed} failed; not run, as declared exceptions: ${exceptions.join(", ")}`,
  ];
  for (const failure of result.failures) lines.push(`  FAILED ${failure.checkId} ${failure.resource}: ${failure.name}`);
  for (const failure of result.excepted) lines.push(`  accepted for the edge only: ${failure.checkId} ${failure.resource}`);
  if (result.workflows) {
    lines.push(
      `policy scan (Checkov, GitHub Actions): .github/workflows: ${result.workflows.passed} passed, ${result.workflows.failed} failed, ${result.workflows.skipped} skipped by a reason beside them`,
    );
    for (const failure of result.workflows.failures) lines.push(`  FAILED ${failure.checkId} ${failure.resource}: ${failure.name}`);
  }
  return lines.join("\n");
}
