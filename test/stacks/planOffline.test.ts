import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReviewSummary } from "../../stacks/ops/reviewSummary.js";
import { AWS_PROVIDER, initOffline, LOCK_FILE } from "../../stacks/ops/offlineTerraform.js";
import { cloneSources } from "../support/cloneAndSynth.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";
import { terraformReadiness } from "../support/terraformReady.js";

const run = promisify(execFile);
const available = terraformReadiness().ready;

/** `npm run plan:offline` in a fresh checkout, as a reviewer runs it. */
describe.skipIf(!available)("npm run plan:offline", { timeout: TERRAFORM_BUDGET_MS }, () => {
  let root: string;
  let stdout: string;
  let asJson: { stacks: (Pick<ReviewSummary, "stack" | "roles" | "allowedAccountIds"> & { secrets: { name: string }[] })[] };
  let synthesized: Record<string, any>;
  let lock: string | undefined;
  beforeAll(async () => {
    root = cloneSources();
    // As an outside team plans: Terraform's own configuration, no TF_PLUGIN_DIR. Where the tests have a plugin folder,
    // it becomes the standard way to name a mirror (provider_installation in TF_CLI_CONFIG_FILE), and the company's
    // provider lock is made from it, as docs/operations.md says, and kept at the root.
    const plugins = process.env.TF_PLUGIN_DIR;
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.TF_PLUGIN_DIR;
    if (plugins) {
      env.TF_CLI_CONFIG_FILE = join(root, "mirror.tfrc");
      writeFileSync(env.TF_CLI_CONFIG_FILE, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(plugins)}\n  }\n}\n`);
      const probe = mkdtempSync(join(tmpdir(), "lock-"));
      writeFileSync(
        join(probe, "main.tf.json"),
        JSON.stringify({ terraform: { required_providers: { aws: { source: AWS_PROVIDER.source, version: AWS_PROVIDER.version } } } }),
      );
      const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
      await run("terraform", ["providers", "lock", `-fs-mirror=${plugins}`, `-platform=${platform}`], { cwd: probe, env });
      lock = readFileSync(join(probe, LOCK_FILE), "utf8");
      writeFileSync(join(root, LOCK_FILE), lock);
    }
    const options = { cwd: root, env, maxBuffer: 32 * 1024 * 1024 };
    // One run: with --json the summaries are stdout, and what a reviewer reads without it (the plan, then the
    // summary as text, through the same writer) goes to stderr.
    const output = await run(join(root, "node_modules", ".bin", "tsx"), ["stacks/ops/planOffline.ts", "dooray-gpt-dev", "--json"], options);
    asJson = JSON.parse(output.stdout);
    stdout = output.stderr;
    synthesized = JSON.parse(readFileSync(join(root, "cdktf.out", "stacks", "dooray-gpt-dev", "cdk.tf.json"), "utf8"));
  }, TERRAFORM_BUDGET_MS);

  /** Every inline policy's statements, by role name, as the synthesized JSON declares them. */
  const declaredPolicies = () =>
    Object.values(synthesized.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>).map((policy) => {
      const roleAddress = /^\$\{aws_iam_role\.(\w+)\.name\}$/.exec(policy.role)![1]!;
      return {
        role: synthesized.resource.aws_iam_role[roleAddress].name as string,
        statements: JSON.parse(policy.policy).Statement as { Sid: string; Action: string[]; Resource: string[] }[],
      };
    });

  it("plans with Terraform's own configuration, the company's provider lock in the stack and in the plan's workspace; a lock that does not match stops init with what to do", () => {
    if (!lock) return;
    expect(readFileSync(join(root, "cdktf.out", "stacks", "dooray-gpt-dev", LOCK_FILE), "utf8")).toBe(lock);
    expect(readFileSync(join(root, "dist", "offline-plan", "dooray-gpt-dev", LOCK_FILE), "utf8")).toBe(lock);
    const tampered = mkdtempSync(join(tmpdir(), "tampered-lock-"));
    cpSync(join(root, "dist", "offline-plan", "dooray-gpt-dev"), tampered, {
      recursive: true,
      filter: (path) => !path.includes(".terraform/") && !path.endsWith(".terraform"),
    });
    writeFileSync(join(tampered, LOCK_FILE), lock.replace(/"h1:[^"]+"/g, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'));
    expect(() => initOffline(tampered, { validate: false })).toThrowError(/terraform init could not install hashicorp\/aws 5\.100\.0 from TF_PLUGIN_DIR=/);
  });

  it(
    "ends with a reviewer's summary that names every statement of every role, as synthesized",
    () => {
      // The review a pull request gets (npm run review), with the summary in it.
      expect(stdout).toMatch(/^### Plan for `dooray-gpt-dev`: \d+ to create, 0 to update, 0 to replace, 0 to delete, 0 to forget \(0 unchanged\)$/m);
      expect(stdout).toContain(
        "✅ Nothing that holds data is deleted, replaced or forgotten, no protection, retention or key access is weakened, and no access is widened.",
      );
      const summary = stdout.slice(stdout.indexOf("reviewer's summary: dooray-gpt-dev"));
      expect(summary).toContain("deploys only to account 111111111111");
      for (const heading of [
        "What is public",
        "What each role may do",
        "Secrets (names only",
        "Cost ceilings",
        "Data",
        "Alarms (9;",
        "Log retention",
        "Who may call",
        "Where questions go",
        "What is kept, and for how long",
        "Encryption (customer-managed KMS keys)",
      ])
        expect(summary).toContain(heading);
      const declared = declaredPolicies();
      expect(declared.flatMap((policy) => policy.statements)).toHaveLength(11);
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
      expect(summary).toContain("/aws/lambda/dooray-gpt-dev-worker: 365 days");
      expect(summary).toContain('only if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["usage#*","conv#*","job#*"]}}');
      expect(summary).toContain("daily budgets (reset at midnight, Asia/Seoul): ≤ 50,000 tokens per person, ≤ 500,000 tokens per channel");
      expect(summary).toContain("    channel 1111111111111111111 (코드 리뷰): model gpt-4.1, ≤ 1,000,000 tokens for the channel");
      expect(summary).toContain("    channel 2222222222222222222 (잡담): model gpt-4.1-nano, ≤ 20,000 tokens per person");
      expect(summary).toMatch(/dooray-gpt-dev-worker: at most 3 at once[^\n]*≤ 2000 model output tokens per answer/);
      expect(summary).not.toMatch(/dooray-gpt-dev-edge: at most[^\n]*model output tokens/);
      expect(summary).toContain(
        "DynamoDB table dooray-gpt-dev: on-demand (pay per request, nothing when idle); rows expire through TTL on expiresAt; point-in-time recovery on; deletion protection off",
      );
      expect(summary).toContain("- dooray-gpt-dev-budget-refusals");
      // What a security reviewer asked for and could not find.
      expect(summary).toContain("⚠ ANY DOORAY TENANT");
      expect(summary).toContain("  - by default: ⚠ api.openai.com (the openai SDK's default: OpenAI's public API, outside Korea)");
      expect(summary).toContain("conversations (question and answer text, for 이어서 질문 and 채널에 공유): 24 hours after their last turn");
      expect(summary).toContain("daily usage rows (token counts and answer counts by person and channel ids, no text): 35 days");
      expect(summary).toContain("point-in-time recovery of dooray-gpt-dev keeps deleted and expired rows recoverable for up to 35 days");
      expect(summary).toContain(
        "model spend per day (every token at the output list price of the channel's own model, the upper bound; ₩ at 1,450 per USD on 2026-12-01):",
      );
      expect(summary).toContain("    by default: ≤ $0.08 (≈ ₩116) per person, ≤ $0.80 (≈ ₩1,160) per channel, at $1.6 per million output tokens");
      // Each channel at its own model's price: gpt-4.1 at $8, gpt-4.1-nano at $0.4 (the sample's modelPrice).
      expect(summary).toContain(
        "    channel 1111111111111111111 (코드 리뷰): ≤ $0.40 (≈ ₩580) per person, ≤ $8.00 (≈ ₩11,600) per channel, at $8 per million output tokens",
      );
      expect(summary).toContain(
        "    channel 2222222222222222222 (잡담): ≤ $0.01 (≈ ₩12) per person, ≤ $0.20 (≈ ₩290) per channel, at $0.4 per million output tokens",
      );
      expect(summary).toContain("⚠ NOBODY IS TOLD when an alarm fires");
      expect(summary).toMatch(
        /alias\/dooray-gpt-dev: rotation on \(yearly\);[^\n]*encrypts secret dooray-gpt\/dev\/dooray-app-token, secret dooray-gpt\/dev\/openai-api-key, table dooray-gpt-dev, log group \/aws\/lambda\/dooray-gpt-dev-edge, log group \/aws\/lambda\/dooray-gpt-dev-worker, queue dooray-gpt-dev-edge-dead-letters/,
      );
      expect(summary).toContain("role dooray-gpt-dev-worker: kms:Decrypt, kms:GenerateDataKey, only via secretsmanager, dynamodb");
      expect(summary).toContain("X-Ray tracing: dooray-gpt-dev-edge off, dooray-gpt-dev-worker off");
      expect(summary).toContain("Code signing: off (Lambda runs any bundle the deployer uploads; set codeSigning to have AWS Signer sign them)");
    },
    TERRAFORM_BUDGET_MS,
  );

  it("gives the same summary as JSON with --json, its statements equal to the synthesized policies", () => {
    const [summary] = asJson.stacks;
    expect(summary!.stack).toBe("dooray-gpt-dev");
    expect(summary!.allowedAccountIds).toEqual(["111111111111"]);
    // Each role: its inline statements as synthesized (read through the normalised shape), Lambda as its only
    // trusted principal, no managed policy.
    const statementsOf = (statements: readonly { Sid: string; Action: readonly string[]; Resource: readonly string[] }[]) =>
      statements.map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }));
    const byRole = (a: { role: string }, b: { role: string }) => a.role.localeCompare(b.role);
    expect([...summary!.roles].sort(byRole).map((role) => ({ role: role.role, statements: statementsOf(role.statements) }))).toEqual(
      declaredPolicies()
        .sort(byRole)
        .map((role) => ({ role: role.role, statements: statementsOf(role.statements) })),
    );
    for (const role of summary!.roles) {
      expect(role.trust!.flatMap((statement) => statement.Principal)).toEqual(["Service lambda.amazonaws.com"]);
      expect(role.managed).toEqual([]);
    }
    expect(summary!.secrets.map((secret) => secret.name).sort()).toEqual(["dooray-gpt/dev/dooray-app-token", "dooray-gpt/dev/openai-api-key"]);
  });

  it("plans the stack", () => {
    expect(stdout).toContain("Plan: 29 to add, 0 to change, 0 to destroy.");
  });

  it("works in a folder of its own: the stack folder that cdktf diff and deploy use holds only what synth wrote", () => {
    const stackDir = join(root, "cdktf.out", "stacks", "dooray-gpt-dev");
    // Synth wrote the company's provider lock there too, where there is one.
    expect(readdirSync(stackDir).sort()).toEqual([...(lock ? [LOCK_FILE] : []), "assets", "cdk.tf.json"]);
  });
});
