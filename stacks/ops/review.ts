import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import type { PlanJson } from "./offlineTerraform.js";
import { failedComment, formatComment, gateFails, lossLine } from "./planComment.js";
import { reviewPlan } from "./planReview.js";
import { declaredExceptions, PolicyToolError, readCheckovReport } from "./policyReport.js";

/**
 * `npm run review -- <plan.json> [--allow-destroy] [--checkov <report.json>] [--stack <name>] [--commit <sha>] [--run-url <url>] [--fingerprint]`
 *
 * Reads `terraform show -json` output and prints one Markdown comment for a pull request (docs/operations.md,
 * "Review in pull requests"). Exit 2 when the plan loses data or cuts off access (gateRules.ts), or widens access
 * (a new wildcard, admin-like policy, other account or public grant: planReview.ts, widenedAccess), and
 * --allow-destroy is not given: the comment says which, and so does stderr. Exit 1 when an input cannot be read or
 * the review cannot run: stdout then holds a comment that says so ("review failed at <commit>"), which replaces
 * the last review rather than leaving it up looking current. --fingerprint prints only the plan's digest.
 */
const USAGE =
  "usage: npm run review -- <plan.json> [--allow-destroy] [--checkov <report.json>] [--stack <name>] [--commit <sha>] [--run-url <url>] [--fingerprint]";

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
  const options = {
    allowDestroy: flag("--allow-destroy"),
    fingerprintOnly: flag("--fingerprint"),
    checkov: option("--checkov"),
    stack: option("--stack"),
    commit: option("--commit"),
    runUrl: option("--run-url"),
  };
  if (options.stack !== undefined && !/^[\w.-]+$/.test(options.stack)) throw new ReviewInputError(`--stack: expected a stack name such as dooray-gpt-prod`);
  if (options.commit !== undefined && !/^[0-9a-f]{7,40}$/.test(options.commit)) throw new ReviewInputError("--commit: expected a commit's hex id");
  if (options.runUrl !== undefined && !/^https:\/\/[\w.-]+\/[\w./-]+$/.test(options.runUrl))
    throw new ReviewInputError("--run-url: expected the run's https address");
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

/** What a failed review can still say: the stack and the commit, from the arguments if they parse. */
function failureContext(argv: string[]): { stack: string; commit?: string; runUrl?: string } {
  const after = (name: string) => {
    const value = argv[argv.indexOf(name) + 1];
    return argv.includes(name) && value && !value.startsWith("--") ? value : undefined;
  };
  const stack = after("--stack");
  const commit = after("--commit");
  const runUrl = after("--run-url");
  return {
    stack: stack && /^[\w.-]+$/.test(stack) ? stack : "this stack",
    ...(commit && /^[0-9a-f]{7,40}$/.test(commit) ? { commit } : {}),
    ...(runUrl && /^https:\/\/[\w.-]+\/[\w./-]+$/.test(runUrl) ? { runUrl } : {}),
  };
}

const argv = process.argv.slice(2);
try {
  const options = parseArgs(argv);
  const plan = readJson(options.planPath, "the plan") as PlanJson;
  if (!Array.isArray(plan?.resource_changes))
    throw new ReviewInputError(`${options.planPath} is not a plan's JSON: make it with terraform show -json <planfile>`);
  const review = reviewPlan(plan, options.stack);
  if (options.fingerprintOnly) {
    process.stdout.write(review.fingerprint + "\n");
    process.exit(0);
  }
  const policy = options.checkov
    ? {
        result: readCheckovReport(review.stack, readFileSync(options.checkov, "utf8"), plan),
        exceptions: declaredExceptions(readFileSync(join(REPO_ROOT, ".checkov.yaml"), "utf8")),
      }
    : undefined;
  const provenance = { ...(options.commit ? { commit: options.commit } : {}), ...(options.runUrl ? { runUrl: options.runUrl } : {}) };
  process.stdout.write(formatComment(review, plan, { allowDestroy: options.allowDestroy, ...provenance, ...(policy ? { policy } : {}) }) + "\n");
  if (gateFails(review, options.allowDestroy)) {
    const named = [...review.losses.map((loss) => lossLine(loss)), ...review.widened.map((flag) => `widens access: ${flag}`)];
    process.stderr.write(
      `review: the plan for ${review.stack} loses data, cuts off access or widens it: ${named.join("; ")}. Pass --allow-destroy if that is meant.\n`,
    );
    process.exit(2);
  }
} catch (error) {
  // Never a stack trace, and never silence: a comment that says the review failed replaces the last one.
  const known = error instanceof ReviewInputError || error instanceof PolicyToolError;
  const reason = known
    ? (error as Error).message.split("\n")[0]!
    : `an internal error (${(error as Error)?.name ?? "Error"}): please file an issue with the plan's shape, not its values`;
  if (!argv.includes("--fingerprint")) process.stdout.write(failedComment(failureContext(argv).stack, reason, failureContext(argv)) + "\n");
  process.stderr.write(`review: ${known ? (error as Error).message : reason}\n`);
  process.exit(1);
}
