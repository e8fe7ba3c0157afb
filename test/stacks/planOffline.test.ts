import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { terraformAvailable } from "../../stacks/tools/offlineTerraform.js";
import { cloneSources } from "../support/cloneAndSynth.js";

const run = promisify(execFile);
const available = terraformAvailable() && Boolean(process.env.TF_PLUGIN_DIR);
if (!available && process.env.REQUIRE_TERRAFORM === "1") throw new Error("REQUIRE_TERRAFORM=1 but terraform or TF_PLUGIN_DIR is missing");

/** `npm run plan:offline` in a fresh checkout, as a reviewer runs it. */
describe.skipIf(!available)("npm run plan:offline", () => {
  let root: string;
  let stdout: string;
  beforeAll(async () => {
    root = cloneSources();
    ({ stdout } = await run(join(root, "node_modules", ".bin", "tsx"), ["stacks/tools/planOffline.ts", "dooray-gpt-dev"], { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1" }, maxBuffer: 32 * 1024 * 1024 }));
  }, 120_000);

  it("plans the stack", () => {
    expect(stdout).toContain("Plan: 15 to add, 0 to change, 0 to destroy.");
  });

  it("works in a folder of its own: the stack folder that cdktf diff and deploy use holds only what synth wrote", () => {
    const stackDir = join(root, "cdktf.out", "stacks", "dooray-gpt-dev");
    expect(readdirSync(stackDir).sort()).toEqual(["assets", "cdk.tf.json"]);
  });
});
