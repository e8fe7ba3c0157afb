import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

const run = promisify(execFile);
const cdktf = join(REPO_ROOT, "node_modules", ".bin", "cdktf");

/** The ops team's commands work offline: `npx cdktf synth`, and `--hcl`, the exit to plain Terraform. */
describe("cdktf-cli", () => {
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
  }, 120_000);
});
