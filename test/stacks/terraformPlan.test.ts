import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { synthApp } from "../../stacks/main.js";
import { initOffline, OFFLINE_STATE_FILE, offlineWorkspace, planOffline, terraform } from "../../stacks/ops/offlineTerraform.js";
import { cloneAndSynth, editWorker } from "../support/cloneAndSynth.js";
import { PLANNED_RESOURCES } from "../support/plannedResources.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";
import { terraformReadiness } from "../support/terraformReady.js";

/**
 * The real Terraform on the synthesized stack, offline. Required wherever terraform and TF_PLUGIN_DIR exist
 * (.ci/run sets REQUIRE_TERRAFORM=1 there, so a missing tool fails instead of skipping).
 */
const available = terraformReadiness().ready;

describe.skipIf(!available)("terraform init, validate and plan, offline", { timeout: TERRAFORM_BUDGET_MS }, () => {
  let stackDir: string;
  // One plan serves every test here: each reads it, none changes it.
  let planned: ReturnType<typeof planOffline>;
  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-synth-"));
    // An S3 backend, as a real environment has: the offline plan must still need no credentials (it plans with local state).
    synthApp(outdir, { ci: { accountId: "123456789012", worker: { reservedConcurrency: 3 }, backend: { bucket: "acme-tfstate", region: "ap-northeast-2" } } });
    stackDir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-ci"), join(outdir, "offline", "dooray-gpt-ci"));
    // The plan checks the configuration too; plan:offline's test runs validate on its own.
    initOffline(stackDir, { validate: false });
    planned = planOffline(stackDir);
  }, TERRAFORM_BUDGET_MS);

  it("plans the whole deployment, with no input at all", () => {
    const { json, text } = planned;
    const created = json.resource_changes
      .filter((change) => change.change.actions.join() === "create")
      .map((change) => change.type)
      .sort();
    expect(created).toEqual(PLANNED_RESOURCES);
    expect(json.variables ?? {}).toEqual({});
    expect(text).toContain("Plan: 29 to add, 0 to change, 0 to destroy.");
    const fn = json.resource_changes.find((change) => change.type === "aws_lambda_function" && change.change.after.function_name === "dooray-gpt-ci-worker")!
      .change.after;
    expect(fn).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      reserved_concurrent_executions: 3,
      source_code_hash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
  });

  it("after a first deploy, an ordinary one with no input plans no change to either secret (and destroys nothing)", () => {
    // The state a first apply records for the two secrets: their planned values plus what AWS would assign.
    const first = planned.json;
    const secrets = (
      first.planned_values as { root_module: { resources: { type: string; name: string; values: Record<string, unknown> }[] } }
    ).root_module.resources.filter((resource) => resource.type === "aws_secretsmanager_secret");
    expect(secrets).toHaveLength(2);
    const later = mkdtempSync(join(tmpdir(), "dooray-gpt-later-"));
    cpSync(stackDir, later, { recursive: true });
    writeFileSync(
      join(later, OFFLINE_STATE_FILE),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.0",
        serial: 1,
        lineage: "6f1c2b0e-0000-4000-8000-000000000001",
        outputs: {},
        resources: secrets.map((secret) => {
          const arn = `arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:${String(secret.values.name)}-AbCdEf`;
          return {
            mode: "managed",
            type: secret.type,
            name: secret.name,
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: [
              { schema_version: 0, attributes: { ...secret.values, id: arn, arn, name_prefix: "", policy: "", replica: [] }, sensitive_attributes: [] },
            ],
          };
        }),
      }),
    );
    // The text alone (no `terraform show -json`, another start of the provider): the two secrets in state are the
    // two resources not added, and nothing changes or goes.
    const text = terraform(later, ["plan", "-input=false", "-lock=false", "-no-color", "-refresh=false"]).stdout;
    expect(text).toContain("Plan: 27 to add, 0 to change, 0 to destroy.");
    expect(text).not.toMatch(/# aws_secretsmanager_secret\.\S+ (will|must) be/);
  });

  it("knows every policy, trust policy and function environment before apply: a reviewer reads them in full", () => {
    const { json, text } = planned;
    const checked = json.resource_changes.filter((change) => ["aws_iam_role", "aws_iam_role_policy", "aws_lambda_function"].includes(change.type));
    expect(checked).toHaveLength(6);
    for (const change of checked) {
      const unknown = change.change.after_unknown ?? {};
      for (const key of ["policy", "assume_role_policy", "environment", "role"]) expect(anyUnknown(unknown[key]), `${change.address}.${key}`).toBe(false);
    }
    for (const change of checked.filter((candidate) => candidate.type === "aws_lambda_function")) {
      expect(Object.keys((change.change.after.environment as { variables: object }[])[0]!.variables).length).toBeGreaterThan(3);
    }
    // (A secret's own resource policy, which we never set, is the one "policy = (known after apply)" left.)
    expect(text).toMatch(/Sid\s+= "InvokeWorker"/);
    expect(text).toContain('"arn:aws:lambda:ap-northeast-2:123456789012:function:dooray-gpt-ci-worker"');
  });
});

describe.skipIf(!available)("a handler change, as Terraform plans it", { timeout: TERRAFORM_BUDGET_MS }, () => {
  it(
    "changes the planned worker's source_code_hash and nothing else in the whole plan",
    () => {
      // The plans' text (every attribute a create shows, without `terraform show -json`'s second start of the provider).
      const plannedText = (outdir: string) => {
        const dir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-dev"), join(outdir, "offline", "dooray-gpt-dev"));
        initOffline(dir, { validate: false });
        return terraform(dir, ["plan", "-input=false", "-lock=false", "-no-color"]).stdout.split("\n");
      };
      // Before: these sources, synthesized here; after: a copy with the worker edited, synthesized as `npm run synth` does.
      const here = mkdtempSync(join(tmpdir(), "dooray-gpt-before-"));
      synthApp(here);
      const before = plannedText(here);
      const after = plannedText(cloneAndSynth(editWorker));
      expect(after).toHaveLength(before.length);
      const changed = before.flatMap((line, index) => (line === after[index] ? [] : [index]));
      expect(changed).toHaveLength(1);
      expect(before[changed[0]!]).toMatch(/^\s+\+ source_code_hash\s+= "[A-Za-z0-9+/]{43}="$/);
      // The changed line belongs to the worker: the nearest resource heading above it names it.
      const heading = before
        .slice(0, changed[0])
        .reverse()
        .find((line) => /^\s+# \S+ will be created$/.test(line))!;
      expect(heading).toMatch(/# aws_lambda_function\.worker_function_[0-9A-F]+ will be created/);
    },
    TERRAFORM_BUDGET_MS,
  );
});

/** Terraform's after_unknown mirrors the value's shape with `true` wherever something is known only after apply. */
function anyUnknown(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value === "object" && value !== null) return Object.values(value).some(anyUnknown);
  return false;
}

describe.skipIf(!available)("a changed channel profile, as a reviewer sees it in the plan", { timeout: TERRAFORM_BUDGET_MS }, () => {
  it("shows the profile's changed field as a JSON diff inside CHANNEL_PROFILES, not only a new code hash", () => {
    const base = {
      accountId: "123456789012",
      channels: { "555": { name: "코드 리뷰", model: "gpt-4.1", systemPrompt: "You review code." }, "666": { name: "잡담" } },
    };
    const synthesized = (channels: object) => {
      const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-profile-"));
      synthApp(outdir, { ci: { ...base, channels } });
      const dir = offlineWorkspace(join(outdir, "stacks", "dooray-gpt-ci"), join(outdir, "offline"));
      initOffline(dir, { validate: false });
      return dir;
    };
    // The state a first apply of the old profiles records for both functions.
    const before = planOffline(synthesized(base.channels)).json as unknown as {
      planned_values: { root_module: { resources: { type: string; name: string; values: Record<string, unknown> }[] } };
    };
    const functions = before.planned_values.root_module.resources.filter((resource) => resource.type === "aws_lambda_function");
    const after = synthesized({ ...base.channels, "555": { ...base.channels["555"], model: "o4-mini" } });
    writeFileSync(
      join(after, OFFLINE_STATE_FILE),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.0",
        serial: 1,
        lineage: "6f1c2b0e-0000-4000-8000-000000000002",
        outputs: {},
        resources: functions.map((fn) => ({
          mode: "managed",
          type: fn.type,
          name: fn.name,
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [
            {
              schema_version: 0,
              attributes: {
                ...fn.values,
                id: fn.values.function_name,
                arn: `arn:aws:lambda:ap-northeast-2:123456789012:function:${String(fn.values.function_name)}`,
              },
              sensitive_attributes: [],
            },
          ],
        })),
      }),
    );

    // The text alone: no `terraform show -json` (another start of the provider).
    const text = terraform(after, ["plan", "-input=false", "-lock=false", "-no-color", "-refresh=false"]).stdout;

    const diff = text.slice(text.indexOf('~ "CHANNEL_PROFILES"'));
    expect(diff).toMatch(/^~ "CHANNEL_PROFILES"\s+= jsonencode\(\s+~ \{\s+~ "555" = \{\s+~ model\s+= "gpt-4\.1" -> "o4-mini"\s+name\s+= "코드 리뷰"/);
    expect(text.match(/~ "CHANNEL_PROFILES"/g)).toHaveLength(2);
  });
});
