import { App, TerraformStack } from "cdktf";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { LOCK_FILE } from "./ops/offlineTerraform.js";
import { join } from "node:path";
import { parseEnvironments, StackConfigError } from "./config.js";
import { DoorayGptStack } from "./DoorayGptStack.js";
import { loadSettings } from "./settings.js";

/**
 * The cdktf app: one stack per environment of the company's settings (settings.ts: DOORAY_GPT_SETTINGS, then
 * environments/<env>.json, then the sample in cdktf.json), the same for `npx cdktf synth|deploy` and `npm run synth`.
 */

export function synthApp(outdir?: string, environments: unknown = undefined): App {
  const app = new App({ ...(outdir ? { outdir } : {}), skipValidation: false });
  const raw = environments ?? loadSettings().environments;
  for (const env of parseEnvironments(raw)) new DoorayGptStack(app, `dooray-gpt-${env.name}`, env);
  // The constructs' own checks (node.addValidation), said as a setting's error before anything is written.
  const problems = app.node.findAll().flatMap((construct) => construct.node.validate());
  if (problems.length > 0) throw new StackConfigError(problems.join("\n"));
  app.synth();
  removeStaleFiles(app);
  copyProviderLock(app);
  return app;
}

/**
 * The provider lock a company keeps at the repository's root (docs/operations.md, "Reviewing a plan"), into every
 * stack's folder: `cdktf deploy`, `cdktf diff` and the offline plan then install exactly the locked provider.
 */
function copyProviderLock(app: App): void {
  const lock = join(import.meta.dirname, "..", LOCK_FILE);
  for (const stack of app.node.children.filter((child) => child instanceof TerraformStack)) {
    const target = join(app.outdir, "stacks", stack.node.id, LOCK_FILE);
    if (existsSync(lock)) copyFileSync(lock, target);
  }
}

/**
 * Terraform reads every .tf and .tf.json in a stack's folder. A JSON synth after an HCL one (or the reverse) would
 * leave the other form beside it (every block declared twice), and versions before 0.2 of this project left their
 * offline-plan override (fake credentials) there: remove whatever this synth did not write. A stack of other
 * settings (the sample's, before a company's own) goes too, so that nothing plans it as if it were theirs.
 */
function removeStaleFiles(app: App): void {
  const stacksDir = join(app.outdir, "stacks");
  if (!existsSync(stacksDir)) return;
  const synthesized = new Set(app.node.children.filter((child) => child instanceof TerraformStack).map((stack) => stack.node.id));
  const stale = [app.hclOutput ? "cdk.tf.json" : "cdk.tf", "zz_offline_override.tf.json"];
  for (const stack of readdirSync(stacksDir)) {
    if (!synthesized.has(stack)) {
      rmSync(join(stacksDir, stack), { recursive: true, force: true });
      continue;
    }
    for (const name of stale) rmSync(join(stacksDir, stack, name), { force: true });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    // Which settings, so that nobody plans the sample thinking it is theirs (or the reverse).
    console.error(`settings: ${loadSettings().source}`);
    synthApp();
  } catch (error) {
    if (error instanceof StackConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}
