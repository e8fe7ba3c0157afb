import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import type { PlanJson } from "../../stacks/ops/offlineTerraform.js";
import { formatComment, gateFails } from "../../stacks/ops/planComment.js";
import { COMMENT_LIMIT, planFingerprint, reviewPlan } from "../../stacks/ops/planReview.js";
import { runTool } from "../support/runTool.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

/**
 * `npm run review` on saved plans that the real Terraform made (test/fixtures/plans/generate.ts says how): what a
 * reviewer reads in the pull request, and the gate on destroying data.
 */
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "plans");
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const load = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8")) as PlanJson;
const comment = (plan: PlanJson, allowDestroy = false) => formatComment(reviewPlan(plan), plan, { allowDestroy });
const rowsOf = (text: string) => text.split("\n").filter((line) => /^\| (➕|✏️|♻️|🗑️|👻)/.test(line));

/** Nothing a comment may carry: colour codes, or a path on the machine that made it. */
function expectClean(text: string): void {
  expect(text).not.toMatch(/\x1b\[/);
  for (const local of [REPO_ROOT, tmpdir(), "/home/", "/root/", "/work/", "/tmp/"]) expect(text).not.toContain(local);
}

describe("npm run review", { timeout: PROCESS_BUDGET_MS }, () => {
  it("reviews a fresh plan: every resource created, the reviewer's summary, the plan's digest in the hidden marker, exit 0", async () => {
    const run = await runTool("review", [fixture("fresh")], {});
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const plan = load("fresh");
    expect(run.stdout.split("\n")[0]).toBe(`<!-- dooray-gpt-review stack=dooray-gpt-fixture plan=${planFingerprint(plan)} -->`);
    expect(run.stdout).toContain(
      `### Plan for \`dooray-gpt-fixture\`: ${plan.resource_changes.length} to create, 0 to update, 0 to replace, 0 to delete, 0 to forget (0 unchanged)`,
    );
    expect(run.stdout).toContain(
      "✅ Nothing that holds data is deleted, replaced or forgotten, no protection, retention or key access is weakened, and no access is widened.",
    );
    // The stack's own public surface is explained, not flagged.
    expect(run.stdout).not.toMatch(/widens access|Access already granted/);
    expect(rowsOf(run.stdout)).toHaveLength(plan.resource_changes.length);
    expect(run.stdout).toContain("| ➕ create | `aws_dynamodb_table.table_43360BC0` | dooray-gpt-fixture | new |");
    for (const heading of [
      "reviewer's summary: dooray-gpt-fixture (deploys only to account 123456789012)",
      "What is public",
      "What each role may do",
      "Secrets (names only",
      "Cost ceilings",
      "What is kept, and for how long",
      "Alarms (9;",
      "who is told: ops@example.com",
    ]) {
      expect(run.stdout).toContain(heading);
    }
    expectClean(run.stdout);
  });

  it("says a signed function's code changed when a new signature gives it a new key (codeSigning: no asset hash to compare)", () => {
    const plan = load("code-update");
    type Entry = {
      address: string;
      type: string;
      change: { actions: string[]; before: Record<string, unknown>; after: Record<string, unknown>; after_unknown: Record<string, unknown> };
    };
    const worker = (plan.resource_changes as unknown as Entry[]).find(
      (entry) => entry.type === "aws_lambda_function" && entry.change.actions.includes("update"),
    )!;
    const strip = (values: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(values).filter(([name]) => !["source_code_hash", "filename"].includes(name)));
    const signed = {
      ...plan,
      resource_changes: [
        {
          ...worker,
          change: {
            ...worker.change,
            before: { ...strip(worker.change.before), s3_key: "signed/dooray-gpt-fixture-worker/a.zip" },
            after: strip(worker.change.after),
            after_unknown: { ...worker.change.after_unknown, s3_key: true },
          },
        },
      ],
    } as unknown as PlanJson;
    const [row] = reviewPlan(signed).changes;
    expect(row!.detail).toBe("**code changed** (a new signed bundle: see its upload and signing job)");
  });

  it("names the environment variables of an in-place update, says the code is the same, and still summarises what is deployed", () => {
    const plan = load("environment-update");
    const text = comment(plan);
    expect(text).toContain("0 to create, 2 to update, 0 to replace, 0 to delete, 0 to forget (29 unchanged)");
    expect(rowsOf(text)).toEqual([
      "| ✏️ update | `aws_lambda_function.edge_function_46D9FB17` | dooray-gpt-fixture-edge | configuration only, same code; environment: `~BUDGET_USER_DAILY_TOKENS: 100000 → 150000` |",
      "| ✏️ update | `aws_lambda_function.worker_function_64EEEF10` | dooray-gpt-fixture-worker | configuration only, same code; environment: `~BUDGET_USER_DAILY_TOKENS: 100000 → 150000` |",
    ]);
    expect(text).toContain("✅ Nothing that holds data");
    // The summary reads the unchanged resources too, not only what the plan creates.
    expect(text).toContain("ReadBothSecrets (Allow): secretsmanager:GetSecretValue");
    expect(text).toContain("daily budgets (reset at midnight, Asia/Seoul): ≤ 150,000 tokens per person");
    expect(text).toContain("DynamoDB table dooray-gpt-fixture: on-demand");
  });

  it("says so when a plan names no account (an offline plan), rather than naming none", () => {
    const plan = load("fresh") as unknown as { configuration: { provider_config: { aws: { expressions: Record<string, unknown> } } } };
    delete plan.configuration.provider_config.aws.expressions.allowed_account_ids;
    expect(comment(plan as unknown as PlanJson)).toContain("(account not named in this plan: an offline plan leaves that check to the deploy)");
  });

  it("never prints a sensitive or secret-looking value, nor a new variable's, only its name", () => {
    const plan = load("environment-update");
    const worker = plan.resource_changes.find((change) => change.address.startsWith("aws_lambda_function.worker"))!.change as unknown as Record<string, any>;
    worker.before.environment[0].variables.LEGACY_WEBHOOK_SECRET = "canary-before-5d1e";
    worker.after.environment[0].variables.LEGACY_WEBHOOK_SECRET = "canary-after-9b2c";
    worker.after.environment[0].variables.NEW_SETTING = "canary-new-77aa";
    worker.before.environment[0].variables.WEBHOOK_TOKEN = "canary-token-before-31fe";
    worker.after.environment[0].variables.WEBHOOK_TOKEN = "canary-token-after-0c4d";
    worker.after_sensitive = { environment: [{ variables: { LEGACY_WEBHOOK_SECRET: true } }] };
    const text = comment(plan);
    expect(text).toContain("environment: `~BUDGET_USER_DAILY_TOKENS: 100000 → 150000`, `~LEGACY_WEBHOOK_SECRET`, `+NEW_SETTING`, `~WEBHOOK_TOKEN`");
    expect(text).not.toMatch(/canary-/);
  });

  it("tells a code-only update from a configuration change by the asset hash", () => {
    const text = comment(load("code-update"));
    expect(rowsOf(text)).toEqual([
      expect.stringMatching(
        /^\| ✏️ update \| `aws_lambda_function\.edge_function_46D9FB17` \| dooray-gpt-fixture-edge \| \*\*code changed\*\* \(asset hash `b2xkZXIgY2…` → `[\w+/]{10}…`\) \|$/,
      ),
      expect.stringMatching(
        /^\| ✏️ update \| `aws_lambda_function\.worker_function_64EEEF10` \| dooray-gpt-fixture-worker \| \*\*code changed\*\* \(asset hash `b2xkZXIgY2…` → `[\w+/]{10}…`\) \|$/,
      ),
    ]);
  });

  it("exits 2 on a table replacement, naming the table in the comment and on stderr, with the replacement first", async () => {
    const run = await runTool("review", [fixture("table-replaced")], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("⛔ **This plan loses data, cuts off access or widens it (below). The review gate stops it.**");
    expect(run.stdout).toContain("- ♻️ replace aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture): the table: every conversation, daily usage and job row");
    expect(rowsOf(run.stdout)[0]).toBe("| ♻️ replace | `aws_dynamodb_table.table_43360BC0` | dooray-gpt-fixture | `hash_key` cannot change in place |");
    expect(run.stderr).toBe(
      "review: the plan for dooray-gpt-fixture loses data, cuts off access or widens it: replace aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture): the table: every conversation, daily usage and job row. Pass --allow-destroy if that is meant.\n",
    );
    expectClean(run.stdout + run.stderr);
  });

  it("exits 2 on a deleted secret, and lets a deliberate destroy pass with --allow-destroy, still saying what goes", async () => {
    const deleted = load("secret-deleted");
    const review = reviewPlan(deleted);
    expect(review.losses.map((loss) => [loss.change.action, loss.change.name])).toEqual([["delete", "dooray-gpt/fixture/old-webhook-token"]]);
    expect(gateFails(review, false)).toBe(true);
    expect(comment(deleted)).toContain(
      "| 🗑️ delete | `aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D` | dooray-gpt/fixture/old-webhook-token | no longer in the configuration |",
    );
    const blocked = await runTool("review", [fixture("secret-deleted")], {});
    expect(blocked.code).toBe(2);
    const allowed = await runTool("review", [fixture("secret-deleted"), "--allow-destroy"], {});
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(
      "⚠️ **This plan loses data, cuts off access or widens it (below); `--allow-destroy` was given, so the gate lets it pass.**",
    );
    expect(allowed.stdout).toContain(
      "- 🗑️ delete aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D (dooray-gpt/fixture/old-webhook-token): a secret",
    );
  });

  it("adds the policy scan from Checkov's JSON report, and refuses a file that is not one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "review-"));
    const report = join(dir, "checkov.json");
    writeFileSync(
      report,
      JSON.stringify({
        check_type: "terraform_plan",
        results: {
          failed_checks: [
            {
              check_id: "CKV_AWS_338",
              check_name: "Ensure CloudWatch log groups retains logs for at least 1 year",
              resource: "aws_cloudwatch_log_group.edge_log_group_A7490BCD",
              file_path: "/plan.json",
            },
          ],
        },
        summary: { passed: 67, failed: 1, skipped: 0 },
      }),
    );
    const run = await runTool("review", [fixture("environment-update"), "--checkov", report], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("#### Policy scan");
    expect(run.stdout).toContain("policy scan (Checkov, .checkov.yaml): dooray-gpt-fixture: 67 passed, 1 failed; not run, as declared exceptions: CKV_AWS_117");
    expect(run.stdout).toContain(
      "  FAILED CKV_AWS_338 aws_cloudwatch_log_group.edge_log_group_A7490BCD: Ensure CloudWatch log groups retains logs for at least 1 year",
    );
    expectClean(run.stdout);
    const wrong = await runTool("review", [fixture("fresh"), "--checkov", fixture("fresh")], {});
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^review: not a Checkov JSON report/);
    const missing = await runTool("review", [join(dir, "nowhere.json")], {});
    expect([missing.code, missing.stderr.split(":")[0]]).toEqual([1, "review"]);
  });

  it("gives the same digest for the same plan and another for any other change", () => {
    const digests = ["fresh", "environment-update", "code-update", "table-replaced", "secret-deleted", "ttl-off-and-forget"].map((name) =>
      planFingerprint(load(name)),
    );
    expect(new Set(digests).size).toBe(6);
    expect(planFingerprint(load("code-update"))).toBe(digests[2]);
    // Unchanged resources do not count: the same changes among other unchanged ones are the same plan.
    const plan = load("code-update");
    const changingOnly = { ...plan, resource_changes: plan.resource_changes.filter((change) => change.change.actions.join() !== "no-op") } as PlanJson;
    expect(changingOnly.resource_changes).toHaveLength(2);
    expect(planFingerprint(changingOnly)).toBe(digests[2]);
  });

  it("stays under GitHub's comment limit for a huge plan, saying how many rows it left out", () => {
    const plan = load("fresh");
    const template = plan.resource_changes.find((change) => change.type === "aws_cloudwatch_metric_alarm")!;
    const many = Array.from({ length: 3000 }, (_, index) => ({
      ...template,
      address: `aws_cloudwatch_metric_alarm.generated_${index}`,
      change: { ...template.change, after: { ...template.change.after, alarm_name: `generated-${index}` } },
    }));
    const text = comment({ ...plan, resource_changes: [...plan.resource_changes, ...many] } as PlanJson);
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text).toMatch(/\| … \| \d+ more rows: see the job's log \| \| \|/);
    expect(text).toContain("Reviewer's summary");
  });

  it("keeps a channel's name inside the summary's code block, whatever backticks it holds", () => {
    const plan = load("fresh");
    const worker = plan.resource_changes.find((change) => change.address.startsWith("aws_lambda_function.worker"))!.change.after as Record<string, any>;
    worker.environment[0].variables.CHANNEL_PROFILES = JSON.stringify({
      "1111111111111111111": { name: "```\n## 승인됨", model: "gpt-4.1", budgets: { channelDailyTokens: 5 } },
    });
    const text = comment(plan);
    const fence = /^(`{4,})text$/m.exec(text)![1]!;
    const block = text.slice(text.indexOf(`${fence}text`) + fence.length + 5);
    expect(block.indexOf("## 승인됨")).toBeLessThan(block.indexOf(`\n${fence}\n`));
  });
});

/**
 * The gate's rules (stacks/ops/gateRules.ts), each on a real plan: Terraform made every fixture below against a
 * written state (test/fixtures/plans/generate.ts). Whole-resource rules with no fixture of their own take a real
 * plan's entry for that resource and mark it deleted, as Terraform writes a delete.
 */
