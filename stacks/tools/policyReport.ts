/** What Checkov made of one plan: the counts, and each failed check by id and resource address. */
export interface PolicyResult {
  readonly stack: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly { readonly checkId: string; readonly name: string; readonly resource: string }[];
}

export class PolicyToolError extends Error {
  override readonly name = "PolicyToolError";
}

type CheckovReport = { summary: { passed: number; failed: number; skipped: number }; results: { failed_checks?: { check_id: string; check_name: string; resource_address?: string; resource: string }[] } };

/**
 * Checkov's JSON report (`-o json`) on one plan. It is one object, or a list of one per framework; anything else
 * is the tool failing, not a finding.
 */
export function readCheckovReport(stack: string, text: string): PolicyResult {
  let report: CheckovReport;
  try {
    const parsed = JSON.parse(text) as CheckovReport | CheckovReport[];
    report = Array.isArray(parsed) ? parsed[0]! : parsed;
    if (typeof report?.summary?.passed !== "number") throw new Error("no summary");
  } catch {
    throw new PolicyToolError(`not a Checkov JSON report (checkov -o json): ${text.slice(0, 200)}`);
  }
  return {
    stack,
    passed: report.summary.passed,
    failed: report.summary.failed,
    skipped: report.summary.skipped,
    failures: (report.results.failed_checks ?? []).map((check) => ({ checkId: check.check_id, name: check.check_name, resource: check.resource_address ?? check.resource })),
  };
}

/** The checks .checkov.yaml skips: the exceptions we accept, each with its reason beside it. */
export function declaredExceptions(configText: string): string[] {
  const block = /^skip-check:\n((?:\s+(?:#.*|- \S+)\n?)+)/m.exec(configText)?.[1] ?? "";
  return [...block.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]!);
}

export function formatPolicy(result: PolicyResult, exceptions: readonly string[]): string {
  const lines = [`policy scan (Checkov, .checkov.yaml): ${result.stack}: ${result.passed} passed, ${result.failed} failed; not run, as declared exceptions: ${exceptions.join(", ")}`];
  for (const failure of result.failures) lines.push(`  FAILED ${failure.checkId} ${failure.resource}: ${failure.name}`);
  return lines.join("\n");
}
