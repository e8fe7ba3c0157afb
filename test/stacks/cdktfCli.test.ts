import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import { SYNTH_BUDGET_MS } from "../support/testBudgets.js";

const run = promisify(execFile);
const cdktf = join(REPO_ROOT, "node_modules", ".bin", "cdktf");

/** The ops team's commands work offline: `npx cdktf synth`, and `--hcl`, the exit to plain Terraform. */
describe("cdktf-cli", { timeout: SYNTH_BUDGET_MS }, () => {
  it(
    "synthesizes every environment's stack as HCL and as JSON, leaving nothing stale that changes what terraform sees when both go to one folder",
    async () => {
      // Three synths in a row into one folder (each CLI run is seconds of work): HCL, JSON after HCL, HCL after JSON.
      const out = mkdtempSync(join(tmpdir(), "cdktf-both-"));
      const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };
      const files = (stack: string) => readdirSync(join(out, "stacks", stack)).filter((name) => name.endsWith(".tf") || name.endsWith(".tf.json"));
      await run(cdktf, ["synth", "--hcl", "--output", out], { cwd: REPO_ROOT, env });
      for (const stack of ["dooray-gpt-dev", "dooray-gpt-prod"])
        expect(readFileSync(join(out, "stacks", stack, "cdk.tf"), "utf8")).toContain('resource "aws_lambda_function_url"');
      // A file an older plan:offline left beside the stack: fake credentials that would reach cdktf deploy.
      writeFileSync(join(out, "stacks", "dooray-gpt-dev", "zz_offline_override.tf.json"), "{}");
      await run(cdktf, ["synth", "--output", out], { cwd: REPO_ROOT, env });
      for (const stack of ["dooray-gpt-dev", "dooray-gpt-prod"]) {
        expect(files(stack)).toEqual(["cdk.tf.json"]);
        expect(JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")).resource.aws_lambda_function).toBeDefined();
      }
      await run(cdktf, ["synth", "--hcl", "--output", out], { cwd: REPO_ROOT, env });
      expect(files("dooray-gpt-dev")).toEqual(["cdk.tf"]);
    },
    SYNTH_BUDGET_MS,
  );
});
