import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  it("synthesizes every environment's stack, as JSON and as HCL", async () => {
    const json = mkdtempSync(join(tmpdir(), "cdktf-json-"));
    const hcl = mkdtempSync(join(tmpdir(), "cdktf-hcl-"));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };
    await Promise.all([
      run(cdktf, ["synth", "--output", json], { cwd: REPO_ROOT, env }),
      run(cdktf, ["synth", "--hcl", "--output", hcl], { cwd: REPO_ROOT, env }),
    ]);
    for (const stack of ["dooray-gpt-dev", "dooray-gpt-prod"]) {
      expect(JSON.parse(readFileSync(join(json, "stacks", stack, "cdk.tf.json"), "utf8")).resource.aws_lambda_function).toBeDefined();
      expect(existsSync(join(hcl, "stacks", stack, "cdk.tf"))).toBe(true);
      expect(readFileSync(join(hcl, "stacks", stack, "cdk.tf"), "utf8")).toContain('resource "aws_lambda_function_url"');
    }
  }, SYNTH_BUDGET_MS);

  it("leaves nothing stale that changes what terraform sees: JSON after HCL, HCL after JSON, into the same folder", async () => {
    const out = mkdtempSync(join(tmpdir(), "cdktf-both-"));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };
    const stack = join(out, "stacks", "dooray-gpt-dev");
    await run(cdktf, ["synth", "--hcl", "--output", out], { cwd: REPO_ROOT, env });
    // A file an older plan:offline left beside the stack: fake credentials that would reach cdktf deploy.
    writeFileSync(join(stack, "zz_offline_override.tf.json"), "{}");
    await run(cdktf, ["synth", "--output", out], { cwd: REPO_ROOT, env });
    expect(readdirSync(stack).filter((name) => name.endsWith(".tf") || name.endsWith(".tf.json"))).toEqual(["cdk.tf.json"]);
    await run(cdktf, ["synth", "--hcl", "--output", out], { cwd: REPO_ROOT, env });
    expect(readdirSync(stack).filter((name) => name.endsWith(".tf") || name.endsWith(".tf.json"))).toEqual(["cdk.tf"]);
  }, SYNTH_BUDGET_MS);
});
