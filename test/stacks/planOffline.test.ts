import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { terraformAvailable } from "../../stacks/tools/offlineTerraform.js";
import { cloneSources } from "../support/cloneAndSynth.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";

const run = promisify(execFile);
const available = terraformAvailable() && Boolean(process.env.TF_PLUGIN_DIR);
if (!available && process.env.REQUIRE_TERRAFORM === "1") throw new Error("REQUIRE_TERRAFORM=1 but terraform or TF_PLUGIN_DIR is missing");

/** `npm run plan:offline` in a fresh checkout, as a reviewer runs it. */
describe.skipIf(!available)("npm run plan:offline", { timeout: TERRAFORM_BUDGET_MS }, () => {
  let root: string;
  let stdout: string;
  let asJson: { stacks: { stack: string; roles: { role: string; statements: unknown[] }[]; secrets: { name: string }[]; allowedAccountIds: string[] }[] };
  let synthesized: Record<string, any>;
  beforeAll(async () => {
    root = cloneSources();
    const options = { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1" }, maxBuffer: 32 * 1024 * 1024 };
    ({ stdout } = await run(join(root, "node_modules", ".bin", "tsx"), ["stacks/tools/planOffline.ts", "dooray-gpt-dev"], options));
    asJson = JSON.parse((await run(join(root, "node_modules", ".bin", "tsx"), ["stacks/tools/planOffline.ts", "dooray-gpt-dev", "--json"], options)).stdout);
    synthesized = JSON.parse(readFileSync(join(root, "cdktf.out", "stacks", "dooray-gpt-dev", "cdk.tf.json"), "utf8"));
  }, TERRAFORM_BUDGET_MS);

  /** Every inline policy's statements, by role name, as the synthesized JSON declares them. */
  const declaredPolicies = () =>
    Object.values(synthesized.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>).map((policy) => {
      const roleAddress = /^\$\{aws_iam_role\.(\w+)\.name\}$/.exec(policy.role)![1]!;
      return { role: synthesized.resource.aws_iam_role[roleAddress].name as string, statements: JSON.parse(policy.policy).Statement as { Sid: string; Action: string[]; Resource: string[] }[] };
    });

  it("ends with a reviewer's summary that names every statement of every role, as synthesized", () => {
    const summary = stdout.slice(stdout.indexOf("reviewer's summary: dooray-gpt-dev"));
    expect(summary).toContain("deploys only to account 111111111111");
    for (const heading of ["What is public", "What each role may do", "Secrets (names only", "Cost ceilings", "Data", "Alarms (8;", "Log retention"]) expect(summary).toContain(heading);
    const declared = declaredPolicies();
    expect(declared.flatMap((policy) => policy.statements)).toHaveLength(8);
    for (const { role, statements } of declared) {
      const section = summary.slice(summary.indexOf(`\n  ${role}\n`));
      for (const statement of statements) {
        expect(section).toContain(`${statement.Sid} (Allow): ${statement.Action.join(", ")}`);
        for (const resource of statement.Resource) expect(section).toContain(`× ${resource}`);
      }
    }
    expect(summary).toMatch(/auth NONE/);
    expect(summary).toContain("lambda:InvokeFunction for principal * on dooray-gpt-dev-edge");
    expect(summary).toContain("dooray-gpt-dev-worker: private");
    expect(summary).toContain("dooray-gpt-dev-worker: at most 3 at once");
    expect(summary).toContain("/aws/lambda/dooray-gpt-dev-worker: 14 days");
    expect(summary).toContain('only if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["usage#*","conv#*","job#*"]}}');
    expect(summary).toContain("daily budgets (reset at midnight, Asia/Seoul): ≤ 50,000 tokens per person, ≤ 500,000 tokens per channel");
    expect(summary).toContain("    channel 1111111111111111111 (코드 리뷰): model gpt-4.1, ≤ 1,000,000 tokens for the channel");
    expect(summary).toContain("    channel 2222222222222222222 (잡담): model gpt-4.1-nano, ≤ 20,000 tokens per person");
    expect(summary).toMatch(/dooray-gpt-dev-worker: at most 3 at once[^\n]*≤ 2000 model output tokens per answer/);
    expect(summary).not.toMatch(/dooray-gpt-dev-edge: at most[^\n]*model output tokens/);
    expect(summary).toContain("DynamoDB table dooray-gpt-dev: on-demand (pay per request, nothing when idle); rows expire through TTL on expiresAt; point-in-time recovery off; deletion protection off");
    expect(summary).toContain("- dooray-gpt-dev-budget-refusals");
  }, TERRAFORM_BUDGET_MS);

  it("gives the same summary as JSON with --json, its statements equal to the synthesized policies", () => {
    const [summary] = asJson.stacks;
    expect(summary!.stack).toBe("dooray-gpt-dev");
    expect(summary!.allowedAccountIds).toEqual(["111111111111"]);
    expect([...summary!.roles].sort((a, b) => a.role.localeCompare(b.role))).toEqual(declaredPolicies().sort((a, b) => a.role.localeCompare(b.role)));
    expect(summary!.secrets.map((secret) => secret.name).sort()).toEqual(["dooray-gpt/dev/dooray-app-token", "dooray-gpt/dev/openai-api-key"]);
  });

  it("plans the stack", () => {
    expect(stdout).toContain("Plan: 25 to add, 0 to change, 0 to destroy.");
  });

  it("works in a folder of its own: the stack folder that cdktf diff and deploy use holds only what synth wrote", () => {
    const stackDir = join(root, "cdktf.out", "stacks", "dooray-gpt-dev");
    expect(readdirSync(stackDir).sort()).toEqual(["assets", "cdk.tf.json"]);
  });
});
