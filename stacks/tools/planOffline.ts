import { readdirSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../assets/buildHandler.js";
import { StackConfigError } from "../config.js";
import { synthApp } from "../main.js";
import { initOffline, OfflineTerraformError, offlineWorkspace, planOffline } from "./offlineTerraform.js";

/**
 * `npm run plan:offline [-- <stack>…]`: synth, then terraform init/validate/plan for each stack with no AWS
 * credentials, printing the plan a reviewer would see. Secret values are never needed (and never shown):
 * TF_VAR_openai_api_key and friends are passed through if you set them.
 */
try {
  const started = Date.now();
  synthApp();
  const stacksDir = join(REPO_ROOT, "cdktf.out", "stacks");
  const wanted = process.argv.slice(2);
  const stacks = readdirSync(stacksDir).filter((name) => wanted.length === 0 || wanted.includes(name));
  if (stacks.length === 0) throw new OfflineTerraformError(`no stack named ${wanted.join(", ")}; have ${readdirSync(stacksDir).join(", ")}`);
  console.log(`synthesized in ${Date.now() - started} ms`);
  for (const stack of stacks) {
    // A folder of its own, never the stack's: cdktf diff and deploy must not see the offline override.
    const dir = offlineWorkspace(join(stacksDir, stack), join(REPO_ROOT, "dist", "offline-plan", stack));
    const t0 = Date.now();
    initOffline(dir);
    const { text, json } = planOffline(dir);
    console.log(`\n════ ${stack} (init+validate+plan in ${Date.now() - t0} ms) ════\n${text}`);
    const created = json.resource_changes.filter((change) => change.change.actions.includes("create"));
    console.log(`${stack}: ${created.length} resources to create:\n${created.map((change) => `  + ${change.address}`).join("\n")}`);
  }
} catch (error) {
  if (error instanceof StackConfigError || error instanceof OfflineTerraformError) {
    console.error(`${error instanceof StackConfigError ? "configuration error" : "offline plan"}: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
