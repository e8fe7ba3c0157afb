import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import { StackConfigError } from "../config.js";
import { synthApp } from "../main.js";
import { initOffline, OfflineTerraformError, offlineWorkspace, planOffline, terraform } from "./offlineTerraform.js";

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

export const CHECKOV_CONFIG = join(REPO_ROOT, ".checkov.yaml");

export function checkovAvailable(): boolean {
  return spawnSync("checkov", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Checkov on a plan's JSON (`terraform show -json`), with the repository's exceptions. */
export function scanPlan(stack: string, planJsonPath: string): PolicyResult {
  const result = spawnSync("checkov", ["-f", planJsonPath, "--config-file", CHECKOV_CONFIG, "-o", "json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new PolicyToolError(`checkov could not run (${result.error.message}); put checkov 3 on PATH (pip install checkov)`);
  // Exit code 1 means findings; the JSON says which. Anything else, or no JSON, is the tool failing.
  let report: { summary: { passed: number; failed: number; skipped: number }; results: { failed_checks?: { check_id: string; check_name: string; resource_address?: string; resource: string }[] } };
  try {
    const parsed = JSON.parse(result.stdout) as typeof report | (typeof report)[];
    report = Array.isArray(parsed) ? parsed[0]! : parsed;
  } catch {
    throw new PolicyToolError(`checkov gave no report (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  }
  return {
    stack,
    ...report.summary,
    failures: (report.results.failed_checks ?? []).map((check) => ({ checkId: check.check_id, name: check.check_name, resource: check.resource_address ?? check.resource })),
  };
}

/** Plans a synthesized stack offline (dist/policy/<stack>) and writes the plan's JSON beside it. */
export function planJsonFor(stacksDir: string, stack: string, workRoot = join(REPO_ROOT, "dist", "policy")): string {
  const dir = offlineWorkspace(join(stacksDir, stack), join(workRoot, stack));
  initOffline(dir, { validate: false });
  planOffline(dir);
  const path = join(dir, "plan.json");
  writeFileSync(path, terraform(dir, ["show", "-json", "plan.bin"]).stdout);
  return path;
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

/**
 * `npm run policy [-- <stack>…]`: synth, plan each stack offline, and run Checkov on each plan with the declared
 * exceptions (.checkov.yaml). Fails (exit 1) on any finding; exit 2 when Checkov, Terraform or the configuration
 * is missing or wrong.
 */
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  try {
    if (!checkovAvailable()) throw new PolicyToolError("checkov is not on PATH; install Checkov 3 (pip install checkov) and run again");
    execFileSync("terraform", ["version"], { stdio: "ignore" });
    synthApp();
    const stacksDir = join(REPO_ROOT, "cdktf.out", "stacks");
    const wanted = process.argv.slice(2);
    const stacks = readdirSync(stacksDir).filter((name) => wanted.length === 0 || wanted.includes(name));
    if (stacks.length === 0) throw new PolicyToolError(`no stack named ${wanted.join(", ")}`);
    let findings = 0;
    for (const stack of stacks) {
      const result = scanPlan(stack, planJsonFor(stacksDir, stack));
      findings += result.failed;
      console.log(formatPolicy(result, declaredExceptions(readFileSync(CHECKOV_CONFIG, "utf8"))));
    }
    process.exit(findings > 0 ? 1 : 0);
  } catch (error) {
    if (error instanceof StackConfigError || error instanceof OfflineTerraformError || error instanceof PolicyToolError) {
      console.error(`policy: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}
