import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { synthApp } from "../../stacks/main.js";
import { initOffline, offlineWorkspace, planOffline, terraformAvailable } from "../../stacks/tools/offlineTerraform.js";
import { cloneAndSynth, differences, editWorker } from "../support/cloneAndSynth.js";
import { PLANNED_WITHOUT_SECRET_VALUES } from "../support/plannedResources.js";

/**
 * The real Terraform on the synthesized stack, offline. Required wherever terraform and TF_PLUGIN_DIR exist
 * (.ci/run sets REQUIRE_TERRAFORM=1 there, so a missing tool fails instead of skipping).
 */
const available = terraformAvailable() && Boolean(process.env.TF_PLUGIN_DIR);
if (!available && process.env.REQUIRE_TERRAFORM === "1") throw new Error("REQUIRE_TERRAFORM=1 but terraform or TF_PLUGIN_DIR is missing");

const CANARY_KEY = "sk-canary-openai-9b1f3e7a5c2d4e6f8a0b";
const CANARY_TOKEN = "canary-app-token-4d2c8e1f-7a3b-4c5d";

describe.skipIf(!available)("terraform init, validate and plan, offline", () => {
  let stackDir: string;
  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-synth-"));
    synthApp(outdir, { ci: { accountId: "123456789012", worker: { reservedConcurrency: 3 } } });
    stackDir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-ci"), join(outdir, "offline", "dooray-gpt-ci"));
    initOffline(stackDir);
  });

  it("plans the whole deployment with no variable set", () => {
    const { json, text } = planOffline(stackDir);
    const created = json.resource_changes.filter((change) => change.change.actions.join() === "create").map((change) => change.type).sort();
    expect(created).toEqual(PLANNED_WITHOUT_SECRET_VALUES);
    expect(text).toContain("Plan: 15 to add, 0 to change, 0 to destroy.");
    const fn = json.resource_changes.find((change) => change.type === "aws_lambda_function" && change.change.after.function_name === "dooray-gpt-ci-worker")!.change.after;
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], reserved_concurrent_executions: 3, source_code_hash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
  });

  it("writes secrets given as TF_VAR_… without a trace in the plan JSON, the plan file or terraform's output", () => {
    const { json, text } = planOffline(stackDir, {
      openai_api_key: CANARY_KEY,
      openai_api_key_version: "1",
      dooray_app_token: CANARY_TOKEN,
      dooray_app_token_version: "1",
    });
    const versions = json.resource_changes.filter((change) => change.type === "aws_secretsmanager_secret_version");
    expect(versions).toHaveLength(2);
    expect(versions.map((version) => version.change.after.secret_string_wo_version)).toEqual([1, 1]);
    const places = { "plan JSON": JSON.stringify(json), "plan output": text, ...unzippedPlan(join(stackDir, "plan.bin")) };
    expect(Object.keys(places).length).toBeGreaterThan(3);
    for (const [place, content] of Object.entries(places)) {
      expect(content, place).not.toContain(CANARY_KEY);
      expect(content, place).not.toContain(CANARY_TOKEN);
    }
  });

  it("(control) finds the same canary when a plain secret_string carries it, so the search above can fail", () => {
    const controlDir = mkdtempSync(join(tmpdir(), "dooray-gpt-control-"));
    cpSync(stackDir, controlDir, { recursive: true });
    writeFileSync(
      join(controlDir, "zz_control.tf.json"),
      JSON.stringify({
        variable: { control: { type: "string", sensitive: true } },
        resource: { aws_secretsmanager_secret_version: { control: { secret_id: "control", secret_string: "${var.control}" } } },
      }),
    );
    const { json } = planOffline(controlDir, { control: CANARY_KEY });
    const leaked = Object.entries({ "plan JSON": JSON.stringify(json), ...unzippedPlan(join(controlDir, "plan.bin")) }).filter(([, content]) => content.includes(CANARY_KEY));
    expect(leaked.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!available)("a handler change, as Terraform plans it", () => {
  it("changes the planned worker's source_code_hash and nothing else in the whole plan", () => {
    const plannedValues = (outdir: string) => {
      const dir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-dev"), join(outdir, "offline", "dooray-gpt-dev"));
      initOffline(dir);
      return planOffline(dir).json.planned_values;
    };
    const before = plannedValues(cloneAndSynth());
    const after = plannedValues(cloneAndSynth(editWorker));
    const changed = differences(before, after);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^\/root_module\/resources\/\d+\/values\/source_code_hash$/);
    const index = Number(changed[0]!.split("/")[3]);
    const resource = (before as { root_module: { resources: { type: string; values: { function_name?: string } }[] } }).root_module.resources[index]!;
    expect([resource.type, resource.values.function_name]).toEqual(["aws_lambda_function", "dooray-gpt-dev-worker"]);
  }, 180_000);
});

/** Every member of the saved plan (a zip), as text. */
function unzippedPlan(planFile: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "plan-unzipped-"));
  mkdirSync(dir, { recursive: true });
  execFileSync("unzip", ["-q", "-o", planFile, "-d", dir]);
  const members: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else members[`plan.bin:${path.slice(dir.length + 1)}`] = readFileSync(path, "latin1");
    }
  };
  walk(dir);
  return members;
}
