import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import type { PlanJson } from "./offlineTerraform.js";
import { formatComment, gateFails, reviewPlan } from "./planReview.js";
import { declaredExceptions, PolicyToolError, readCheckovReport } from "./policyReport.js";

/**
 * `npm run review -- <plan.json> [--allow-destroy] [--checkov <report.json>] [--stack <name>] [--fingerprint]`
 *
 * Reads `terraform show -json` output and prints one Markdown comment for a pull request (docs/operations.md,
 * "Review in pull requests"). Exit 2 when the plan deletes or replaces a resource that holds data (planReview.ts,
 * STATE_HOLDING) and --allow-destroy is not given: the comment says which, and so does stderr. Exit 1 when an
 * input cannot be read. --fingerprint prints only the plan's digest, which the apply workflow compares.
 */
const USAGE = "usage: npm run review -- <plan.json> [--allow-destroy] [--checkov <report.json>] [--stack <name>] [--fingerprint]";

class ReviewInputError extends Error {}

function parseArgs(argv: string[]) {
  const args = [...argv];
  const flag = (name: string) => {
    const at = args.indexOf(name);
    if (at >= 0) args.splice(at, 1);
    return at >= 0;
  };
  const option = (name: string) => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const value = args[at + 1];
    if (!value || value.startsWith("--")) throw new ReviewInputError(`${name} needs a value\n${USAGE}`);
    args.splice(at, 2);
    return value;
  };
  const options = { allowDestroy: flag("--allow-destroy"), fingerprintOnly: flag("--fingerprint"), checkov: option("--checkov"), stack: option("--stack") };
  if (options.stack !== undefined && !/^[\w.-]+$/.test(options.stack)) throw new ReviewInputError(`--stack: expected a stack name such as dooray-gpt-prod`);
  if (args.length !== 1 || args[0]!.startsWith("--")) throw new ReviewInputError(USAGE);
  return { ...options, planPath: args[0]! };
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ReviewInputError(`cannot read ${what} ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

try {
  const options = parseArgs(process.argv.slice(2));
  const plan = readJson(options.planPath, "the plan") as PlanJson;
  if (!Array.isArray(plan?.resource_changes)) throw new ReviewInputError(`${options.planPath} is not a plan's JSON: make it with terraform show -json <planfile>`);
  const review = reviewPlan(plan, options.stack);
  if (options.fingerprintOnly) {
    process.stdout.write(review.fingerprint + "\n");
    process.exit(0);
  }
  const policy = options.checkov
    ? { result: readCheckovReport(review.stack, readFileSync(options.checkov, "utf8")), exceptions: declaredExceptions(readFileSync(join(REPO_ROOT, ".checkov.yaml"), "utf8")) }
    : undefined;
  process.stdout.write(formatComment(review, plan, { allowDestroy: options.allowDestroy, ...(policy ? { policy } : {}) }) + "\n");
  if (gateFails(review, options.allowDestroy)) {
    process.stderr.write(`review: the plan for ${review.stack} deletes or replaces data: ${review.destroysState.map((change) => `${change.action} ${change.address}${change.name ? ` (${change.name})` : ""}`).join("; ")}. Pass --allow-destroy if that is meant.\n`);
    process.exit(2);
  }
} catch (error) {
  if (error instanceof ReviewInputError || error instanceof PolicyToolError) {
    process.stderr.write(`review: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
