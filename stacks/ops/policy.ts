import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import { StackConfigError } from "../config.js";
import { synthApp } from "../main.js";
import { initOffline, OfflineTerraformError, offlineWorkspace, planOffline, terraform, type PlanJson } from "./offlineTerraform.js";
import { stackOfPlan } from "./planReview.js";
import { declaredExceptions, formatPolicy, PolicyToolError, readCheckovReport, type PolicyResult } from "./policyReport.js";

export const CHECKOV_CONFIG = join(REPO_ROOT, ".checkov.yaml");

export function checkovAvailable(): boolean {
  return spawnSync("checkov", ["--version"], { stdio: "ignore" }).status === 0;
}

export const WORKFLOWS_DIR = join(REPO_ROOT, ".github");

/**
 * Checkov on a plan's JSON (`terraform show -json`), with the repository's exceptions; `reportPath` keeps its JSON
 * report. With `workflows`, the same run also applies its GitHub Actions checks to .github/workflows (one start of
 * Checkov, which is most of its time).
 */
export function scanPlan(stack: string, planJsonPath: string, reportPath?: string, options: { workflows?: boolean } = {}): PolicyResult {
  const workflows = options.workflows ? ["-d", WORKFLOWS_DIR, "--framework", "terraform_plan", "github_actions"] : [];
  const result = spawnSync("checkov", ["-f", planJsonPath, ...workflows, "--config-file", CHECKOV_CONFIG, "-o", "json"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new PolicyToolError(`checkov could not run (${result.error.message}); put checkov 3 on PATH (pip install checkov)`);
  // Exit code 1 means findings; the JSON says which. Anything else, or no JSON, is the tool failing.
  const report = readCheckovReport(stack, result.stdout || result.stderr.slice(-2000), JSON.parse(readFileSync(planJsonPath, "utf8")) as PlanJson);
  if (reportPath) writeFileSync(reportPath, result.stdout);
  return report;
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

/**
 * `npm run policy [-- <stack>…]`: synth, plan each stack offline, and run Checkov on each plan with the declared
 * exceptions (.checkov.yaml), and on the GitHub Actions workflows. `npm run policy -- --plan <plan.json> [--report <checkov.json>]` scans a plan made
 * elsewhere (the pull-request workflow's, against the real state) and keeps Checkov's report for `npm run review`.
 * Fails (exit 1) on any finding; exit 2 when Checkov, Terraform or the configuration is missing or wrong.
 */
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  try {
    if (!checkovAvailable()) throw new PolicyToolError("checkov is not on PATH; install Checkov 3 (pip install checkov) and run again");
    const args = process.argv.slice(2);
    const option = (name: string) => {
      const at = args.indexOf(name);
      if (at < 0) return undefined;
      const value = args[at + 1];
      if (!value || value.startsWith("--")) throw new PolicyToolError(`${name} needs a file`);
      args.splice(at, 2);
      return value;
    };
    const planPath = option("--plan");
    const reportPath = option("--report");
    const exceptions = declaredExceptions(readFileSync(CHECKOV_CONFIG, "utf8"));
    let findings = 0;
    if (planPath) {
      const plan = JSON.parse(readFileSync(planPath, "utf8"));
      const result = scanPlan(stackOfPlan(plan) ?? "plan", planPath, reportPath, { workflows: true });
      findings = result.failed + (result.workflows?.failed ?? 0);
      console.log(formatPolicy(result, exceptions));
    } else {
      execFileSync("terraform", ["version"], { stdio: "ignore" });
      synthApp();
      const stacksDir = join(REPO_ROOT, "cdktf.out", "stacks");
      const stacks = readdirSync(stacksDir).filter((name) => args.length === 0 || args.includes(name));
      if (stacks.length === 0) throw new PolicyToolError(`no stack named ${args.join(", ")}`);
      for (const [index, stack] of stacks.entries()) {
        // The workflows once, with the first stack.
        const result = scanPlan(stack, planJsonFor(stacksDir, stack), reportPath && stacks.length === 1 ? reportPath : undefined, { workflows: index === 0 });
        findings += result.failed + (result.workflows?.failed ?? 0);
        console.log(formatPolicy(result, exceptions));
      }
    }
    process.exit(findings > 0 ? 1 : 0);
  } catch (error) {
    if (error instanceof StackConfigError || error instanceof OfflineTerraformError || error instanceof PolicyToolError || error instanceof SyntaxError) {
      console.error(`policy: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}
