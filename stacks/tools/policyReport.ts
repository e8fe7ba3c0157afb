/** What Checkov made of one plan: the counts, and each failed check by id and resource address. */
export interface PolicyResult {
  readonly stack: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly { readonly checkId: string; readonly name: string; readonly resource: string }[];
  /** Checkov's GitHub Actions checks on .github/workflows, when they were scanned in the same run. */
  readonly workflows?: { readonly passed: number; readonly failed: number; readonly skipped: number; readonly failures: readonly { readonly checkId: string; readonly name: string; readonly resource: string }[] };
}

export class PolicyToolError extends Error {
  override readonly name = "PolicyToolError";
}

type CheckovReport = { check_type?: string; summary: { passed: number; failed: number; skipped: number }; results: { failed_checks?: { check_id: string; check_name: string; resource_address?: string; resource: string }[] } };

/**
 * Checkov's JSON report (`-o json`) on one plan, and on the workflows when they were scanned with it. It is one
 * object, or a list of one per framework; anything else is the tool failing, not a finding.
 */
export function readCheckovReport(stack: string, text: string): PolicyResult {
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
    failures: (report.results.failed_checks ?? []).map((check) => ({ checkId: check.check_id, name: check.check_name, resource: check.resource_address ?? check.resource })),
  });
  const plan = reports.find((report) => report.check_type !== "github_actions") ?? { summary: { passed: 0, failed: 0, skipped: 0 }, results: {} };
  const workflows = reports.find((report) => report.check_type === "github_actions");
  return { stack, ...counts(plan), ...(workflows ? { workflows: counts(workflows) } : {}) };
}

/** The checks .checkov.yaml skips: the exceptions we accept, each with its reason beside it. */
export function declaredExceptions(configText: string): string[] {
  const block = /^skip-check:\n((?:\s+(?:#.*|- \S+)\n?)+)/m.exec(configText)?.[1] ?? "";
  return [...block.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]!);
}

export function formatPolicy(result: PolicyResult, exceptions: readonly string[]): string {
  const lines = [`policy scan (Checkov, .checkov.yaml): ${result.stack}: ${result.passed} passed, ${result.failed} failed; not run, as declared exceptions: ${exceptions.join(", ")}`];
  for (const failure of result.failures) lines.push(`  FAILED ${failure.checkId} ${failure.resource}: ${failure.name}`);
  if (result.workflows) {
    lines.push(`policy scan (Checkov, GitHub Actions): .github/workflows: ${result.workflows.passed} passed, ${result.workflows.failed} failed, ${result.workflows.skipped} skipped by a reason beside them`);
    for (const failure of result.workflows.failures) lines.push(`  FAILED ${failure.checkId} ${failure.resource}: ${failure.name}`);
  }
  return lines.join("\n");
}
