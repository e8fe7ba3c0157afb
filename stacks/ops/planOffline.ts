import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import { StackConfigError } from "../config.js";
import { synthApp } from "../main.js";
import { loadSettings } from "../settings.js";
import { initOffline, OfflineTerraformError, offlineWorkspace, planOffline } from "./offlineTerraform.js";
import { formatComment } from "./planComment.js";
import { reviewPlan } from "./planReview.js";
import { reviewSummary, type ReviewSummary } from "./reviewSummary.js";

/**
 * `npm run plan:offline [-- <stack>…] [-- --json]`: synth, then terraform init/validate/plan for each stack with no
 * AWS credentials, in dist/offline-plan/<stack>, with local state (a first deploy); prints the plan, then the
 * review a pull request gets (`npm run review`: the changes, the gate, and the reviewer's summary read from the
 * plan: public surface, every IAM statement, secrets by name, cost ceilings, retention). With --json, stdout holds
 * one JSON object of the summaries, and everything else goes to stderr.
 */
const asJson = process.argv.includes("--json");
const say = (text: string) => (asJson ? process.stderr : process.stdout).write(text + "\n");
try {
  const started = Date.now();
  say(`settings: ${loadSettings().source}`);
  synthApp();
  const stacksDir = join(REPO_ROOT, "cdktf.out", "stacks");
  const wanted = process.argv.slice(2).filter((arg) => arg !== "--json");
  const summaries: ReviewSummary[] = [];
  const stacks = readdirSync(stacksDir).filter((name) => wanted.length === 0 || wanted.includes(name));
  if (stacks.length === 0) throw new OfflineTerraformError(`no stack named ${wanted.join(", ")}; have ${readdirSync(stacksDir).join(", ")}`);
  say(`synthesized in ${Date.now() - started} ms`);
  for (const stack of stacks) {
    // A folder of its own, never the stack's: cdktf diff and deploy must not see the offline override.
    const dir = offlineWorkspace(join(stacksDir, stack), join(REPO_ROOT, "dist", "offline-plan", stack));
    const t0 = Date.now();
    initOffline(dir);
    const { text, json } = planOffline(dir);
    say(`\n════ ${stack} (init+validate+plan in ${Date.now() - t0} ms) ════\n${text}`);
    // The provider's account guard lives in cdk.tf.json; the offline override turns it off for the plan alone.
    const synthesized = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as { provider: { aws: { allowed_account_ids?: string[] }[] } };
    const allowedAccountIds = synthesized.provider.aws[0]?.allowed_account_ids ?? [];
    summaries.push(reviewSummary(stack, json, allowedAccountIds));
    say(`\n${formatComment(reviewPlan(json, stack), json, { allowDestroy: false, allowedAccountIds })}`);
  }
  if (asJson) process.stdout.write(JSON.stringify({ stacks: summaries }, null, 2) + "\n");
} catch (error) {
  if (error instanceof StackConfigError || error instanceof OfflineTerraformError) {
    console.error(`${error instanceof StackConfigError ? "configuration error" : "offline plan"}: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
