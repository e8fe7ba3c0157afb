import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import type { PlanJson } from "../../stacks/ops/offlineTerraform.js";
import { GATE_RULES, WHOLE_RESOURCE } from "../../stacks/ops/gateRules.js";
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
/** What the gate names for a plan: (address, rule attribute) pairs. */
const lossesOf = (plan: PlanJson) => reviewPlan(plan).losses.map((loss) => `${loss.change.address} ${loss.rule.attribute}`);

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
describe("the review gate, rule by rule", { timeout: PROCESS_BUDGET_MS }, () => {
  type Entry = PlanJson["resource_changes"][number];
  const TABLE = "aws_dynamodb_table.table_43360BC0";
  const KEY = "aws_kms_key.key_F64E54E4";
  const IN_PLACE: Record<string, [fixture: string, address: string]> = {
    "aws_dynamodb_table deletion_protection_enabled": ["protections-weakened", TABLE],
    "aws_dynamodb_table point_in_time_recovery.0.enabled": ["protections-weakened", TABLE],
    "aws_dynamodb_table ttl.0.attribute_name": ["protections-weakened", TABLE],
    "aws_dynamodb_table ttl.0.enabled": ["ttl-off-and-forget", TABLE],
    "aws_dynamodb_table server_side_encryption": ["protections-weakened", TABLE],
    "aws_kms_key is_enabled": ["protections-weakened", KEY],
    "aws_kms_key policy": ["protections-weakened", KEY],
    "aws_kms_key deletion_window_in_days": ["protections-weakened", KEY],
    "aws_kms_alias target_key_id": ["protections-weakened", "aws_kms_alias.key_alias_9418169B"],
    "aws_secretsmanager_secret recovery_window_in_days": ["protections-weakened", "aws_secretsmanager_secret.secrets_openai_api_key_28ECE73B"],
    "aws_cloudwatch_log_group retention_in_days": ["retention-lowered", "aws_cloudwatch_log_group.worker_log_group_8430F51A"],
    "aws_sqs_queue message_retention_seconds": ["protections-weakened", "aws_sqs_queue.edge_dead_letters_queue_2A3CA57C"],
  };
  /** Whole-resource rules: a fixture where Terraform deletes, replaces or forgets one, or null to mark one deleted. */
  const WHOLE: Record<string, [fixture: string, address: string] | null> = {
    aws_dynamodb_table: ["table-replaced", TABLE],
    aws_secretsmanager_secret: ["secret-deleted", "aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D"],
    aws_kms_alias: ["protections-weakened", "aws_kms_alias.key_alias_legacy_1A2B3C4D"],
    aws_kms_key: null,
    aws_cloudwatch_log_group: null,
    aws_sqs_queue: null,
  };

  it("has a case below for every rule in the table, and none for a rule it does not hold", () => {
    expect(
      GATE_RULES.filter((rule) => rule.attribute !== WHOLE_RESOURCE)
        .map((rule) => `${rule.type} ${rule.attribute}`)
        .sort(),
    ).toEqual(Object.keys(IN_PLACE).sort());
    expect(
      GATE_RULES.filter((rule) => rule.attribute === WHOLE_RESOURCE)
        .map((rule) => rule.type)
        .sort(),
    ).toEqual(Object.keys(WHOLE).sort());
  });

  it("docs/operations.md lists exactly these rules, in the table's order", () => {
    const docs = readFileSync(join(REPO_ROOT, "docs", "operations.md"), "utf8");
    const section = docs.slice(docs.indexOf("### What the gate blocks"), docs.indexOf("\n## ", docs.indexOf("### What the gate blocks")));
    const rows = [...section.matchAll(/^\| `(\w+)` \| (?:`([\w.]+)`|\(the resource\)) \| ([^|]+) \| (data|access) \|$/gm)].map((match) => [
      match[1],
      match[2] ?? WHOLE_RESOURCE,
      match[3]!.trim(),
      match[4],
    ]);
    expect(rows).toEqual(GATE_RULES.map((rule) => [rule.type, rule.attribute, rule.direction, rule.loses]));
  });

  for (const [rule, [name, address]] of Object.entries(IN_PLACE)) {
    it(`stops ${rule} on a real plan (${name})`, () => {
      expect(lossesOf(load(name))).toContain(`${address} ${rule.split(" ")[1]}`);
    });
  }

  for (const [type, source] of Object.entries(WHOLE)) {
    it(`stops a ${type} that goes${source ? ` (${source[0]})` : " (a real plan's entry, marked deleted)"}`, () => {
      let plan: PlanJson;
      let address: string;
      if (source) [plan, address] = [load(source[0]), source[1]];
      else {
        plan = load("environment-update");
        const entry = plan.resource_changes.find((candidate) => candidate.type === type)!;
        address = entry.address;
        Object.assign(entry.change, { actions: ["delete"], after: null, after_unknown: {} });
      }
      expect(lossesOf(plan)).toContain(`${address} ${WHOLE_RESOURCE}`);
    });
  }

  it("names every in-place loss of one plan in the comment and on stderr, exits 2, and lets it through with --allow-destroy", async () => {
    const run = await runTool("review", [fixture("protections-weakened")], {});
    expect(run.code).toBe(2);
    const lines = run.stdout.split("\n").filter((line) => /^- (✏️|🗑️)/.test(line));
    expect(lines).toEqual([
      "- 🗑️ delete aws_kms_alias.key_alias_legacy_1A2B3C4D (alias/dooray-gpt-fixture-legacy): the key's alias: the roles may use the key only through it (kms:ResourceAliases)",
      "- ✏️ update aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture), deletion_protection_enabled: deletion protection turned off: the table can then be deleted",
      "- ✏️ update aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture), point_in_time_recovery.0.enabled: point-in-time recovery turned off: the backups of the last 35 days are gone",
      "- ✏️ update aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture), ttl.0.attribute_name: the TTL attribute renamed: every row's expiry changes meaning",
      "- ✏️ update aws_dynamodb_table.table_43360BC0 (dooray-gpt-fixture), server_side_encryption: the table's encryption changed: another key, or none, guards every row",
      "- ✏️ update aws_kms_alias.key_alias_9418169B (alias/dooray-gpt-fixture), target_key_id: the alias pointed at another key: the roles' kms:ResourceAliases condition now names that key",
      "- ✏️ update aws_kms_key.key_F64E54E4, is_enabled: the key disabled: nothing it encrypts can be read until it is enabled again",
      "- ✏️ update aws_kms_key.key_F64E54E4, policy: the key policy replaced: who may use or manage the key changes",
      "- ✏️ update aws_kms_key.key_F64E54E4, deletion_window_in_days: the key's deletion window shortened: less time to cancel a deletion",
      "- ✏️ update aws_secretsmanager_secret.secrets_openai_api_key_28ECE73B (dooray-gpt/fixture/openai-api-key), recovery_window_in_days: the secret's recovery window shortened: a deletion can be undone for less time, or not at all",
      "- ✏️ update aws_sqs_queue.edge_dead_letters_queue_2A3CA57C (dooray-gpt-fixture-edge-dead-letters), message_retention_seconds: the queue's retention lowered: older failure records are deleted",
    ]);
    for (const line of lines) expect(run.stderr).toContain(line.replace(/^- \S+ /, ""));
    // Before → after for what is not sensitive, and the key policy statement by statement.
    expect(run.stdout).toContain("`deletion_window_in_days: 30 → 7`, `is_enabled: true → false`, `policy` (statement by statement below)");
    expect(run.stdout).toContain("`recovery_window_in_days: 7 → 0`");
    expect(run.stdout).toContain(
      "aws_kms_key.key_F64E54E4 policy: - BreakGlassAuditors (Allow): AWS arn:aws:iam::123456789012:role/auditors may kms:Decrypt on *",
    );
    const allowed = await runTool("review", [fixture("protections-weakened"), "--allow-destroy"], {});
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("⚠️ **This plan loses data, cuts off access or widens it (below); `--allow-destroy` was given");
  });

  it("counts, lists and gates a forget, and a forget changes the plan's digest", async () => {
    const plan = load("ttl-off-and-forget");
    const review = reviewPlan(plan);
    expect(review.counts).toMatchObject({ forget: 1, update: 1 });
    expect(rowsOf(comment(plan))[0]).toBe(
      "| 👻 forget | `aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D` | dooray-gpt/fixture/old-webhook-token | **forgotten**: taken out of Terraform's state and left in AWS, unmanaged (a `removed` block) |",
    );
    expect(comment(plan)).toContain(
      "- 👻 forget aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D (dooray-gpt/fixture/old-webhook-token): a secret, left in AWS with nothing managing it",
    );
    const unforgotten = structuredClone(plan);
    unforgotten.resource_changes.find((entry: Entry) => entry.change.actions.includes("forget"))!.change.actions = ["no-op"];
    expect(planFingerprint(unforgotten)).not.toBe(planFingerprint(plan));
    const run = await runTool("review", [fixture("ttl-off-and-forget")], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("forget aws_secretsmanager_secret.secrets_old_webhook_token_0A1B2C3D");
  });

  it("lets a harmless change and a raised retention through", () => {
    expect(lossesOf(load("environment-update"))).toEqual([]);
    const raised = load("retention-lowered");
    const group = raised.resource_changes.find((entry) => entry.address === "aws_cloudwatch_log_group.worker_log_group_8430F51A")!.change as unknown as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    };
    [group.before.retention_in_days, group.after.retention_in_days] = [30, 0]; // 0: kept forever
    expect(lossesOf(raised)).toEqual([]);
  });

  it("lists what changed outside Terraform since the last apply (the plan's resource_drift, in Terraform's own format)", () => {
    const plan = load("environment-update") as PlanJson & { resource_drift?: unknown[] };
    const group = plan.resource_changes.find((entry) => entry.type === "aws_cloudwatch_log_group")!;
    plan.resource_drift = [
      {
        ...group,
        change: {
          ...group.change,
          actions: ["update"],
          before: { ...group.change.after, retention_in_days: 30 },
          after: { ...group.change.after, retention_in_days: 7 },
        },
      },
    ];
    const text = comment(plan);
    expect(text).toContain("#### Changed outside Terraform since the last apply");
    expect(text).toContain("- `aws_cloudwatch_log_group.edge_log_group_A7490BCD`: `retention_in_days: 30 → 7`");
  });
});

describe("the comment tells the truth about access", { timeout: PROCESS_BUDGET_MS }, () => {
  it("stops a plan that attaches an admin policy, trusts another account, grants *, makes the worker public or opens a queue to anyone, and explains only the edge's own grant", async () => {
    // This plan crashed the review before: a Statement object with string fields, and a key policy known after apply.
    const run = await runTool("review", [fixture("access-widened")], {});
    expect(run.code).toBe(2);
    const widened = run.stdout.split("\n").filter((line) => line.startsWith("- 🔓 widens access: "));
    expect(widened).toEqual([
      "- 🔓 widens access: a Function URL with no auth on dooray-gpt-fixture-worker: anyone on the internet may call it",
      "- 🔓 widens access: lambda:InvokeFunction for anyone (principal *) on dooray-gpt-fixture-worker (FunctionUrlNeedsInvokeFunction)",
      "- 🔓 widens access: role dooray-gpt-fixture-worker may be assumed by another account (999999999999) (trust #2)",
      "- 🔓 widens access: role dooray-gpt-fixture-worker, #1: on every resource (*)",
      "- 🔓 widens access: role dooray-gpt-fixture-worker has the managed policy AdministratorAccess (admin-like: the run of the account or of a whole service)",
      "- 🔓 widens access: the key policy of alias/dooray-gpt-fixture is known only after apply: read the configuration",
      "- 🔓 widens access: aws_sqs_queue_policy on https://sqs.ap-northeast-2.amazonaws.com/123456789012/dooray-gpt-fixture-edge-dead-letters, AnyoneReads: to anyone (public)",
    ]);
    for (const line of widened) expect(run.stderr).toContain(line.slice(2).replace("🔓 ", ""));
    // The edge's reassurance is for the edge's grant only; the worker's is not explained away.
    expect(run.stdout.match(/Safe because \S+ trusts no event by itself/g)).toEqual(["Safe because dooray-gpt-fixture-edge trusts no event by itself"]);
    expect(run.stdout).toContain(
      "⚠ lambda:InvokeFunction for principal * on dooray-gpt-fixture-worker (FunctionUrlNeedsInvokeFunction): not the edge's URL grant",
    );
    expect(run.stdout).toContain("    managed policy arn:aws:iam::aws:policy/AdministratorAccess ⚠ admin-like");
    expect(run.stdout).toContain("aws_iam_role.worker_role_E3FA0A4D assume_role_policy: + #2 (Allow): AWS arn:aws:iam::999999999999:root may sts:AssumeRole");
    expect(run.stdout).toContain("aws_iam_role_policy.worker_reads_buckets policy: + #1 (Allow): s3:GetObject on *");
    // The new role shows with who may assume it.
    expect(run.stdout).toMatch(/ {2}dooray-gpt-fixture-intruder\n {4}assumed by: lambda\.amazonaws\.com/);
    const allowed = await runTool("review", [fixture("access-widened"), "--allow-destroy"], {});
    expect(allowed.code).toBe(0);
  });

  it("does not stop a plan for access the deployed stack already grants, but still lists it for the reviewer", () => {
    // The same resources, deployed already and unchanged: the plan widens nothing.
    const plan = load("access-widened");
    for (const entry of plan.resource_changes) Object.assign(entry.change, { actions: ["no-op"], before: entry.change.after, after_unknown: {} });
    const review = reviewPlan(plan);
    expect(review.widened).toEqual([]);
    expect(gateFails(review, false)).toBe(false);
    const text = comment(plan);
    expect(text).toContain("⚠️ **Access already granted before this plan, for a reviewer to read**");
    expect(text).toContain(
      "- ⚠ role dooray-gpt-fixture-worker has the managed policy AdministratorAccess (admin-like: the run of the account or of a whole service)",
    );
  });

  it("says what the personal-data guard does, by default and per channel, with ⚠ where nothing is masked", () => {
    const plan = load("environment-update");
    const worker = plan.resource_changes.find((change) => change.address.startsWith("aws_lambda_function.worker"))!.change.after as Record<string, any>;
    worker.environment[0].variables.CHANNEL_PROFILES = JSON.stringify({ "1111111111111111111": { name: "내부 모델", personalData: "allow" } });
    const text = comment(plan);
    expect(text).toContain(
      "  - personal data by default (mask): resident, foreigner, passport, driver's licence, card and account numbers are masked before the model sees them",
    );
    expect(text).toContain(
      "  - personal data in channel 1111111111111111111 (내부 모델) (allow): ⚠ NOTHING IS MASKED: personal numbers go to api.openai.com, a public endpoint outside Korea",
    );
  });

  it("lists where each channel's questions go, endpoints in order with residency and auth, ⚠ on every one that may process outside Korea", () => {
    const plan = load("environment-update");
    const worker = plan.resource_changes.find((change) => change.address.startsWith("aws_lambda_function.worker"))!.change.after as Record<string, any>;
    const variables = worker.environment[0].variables as Record<string, string>;
    const before = comment(plan);
    // Today's single endpoint is OpenAI's public API: marked, with the way out.
    expect(before).toContain(
      `  - by default: ⚠ api.openai.com (the openai SDK's default: OpenAI's public API, outside Korea), model ${variables.BOT_MODEL}, key in secret ${variables.OPENAI_API_KEY_SECRET_ID}`,
    );
    expect(before).toContain("set modelEndpoints for endpoints in Korea");
    variables.MODEL_ENDPOINTS = JSON.stringify([
      {
        name: "bedrock-seoul",
        baseUrl: "https://bedrock-runtime.ap-northeast-2.amazonaws.com/openai/v1",
        model: "openai.gpt-oss-120b-1:0",
        residency: "kr",
        auth: "aws",
      },
      {
        name: "openai",
        baseUrl: "https://api.openai.com/v1",
        model: "gpt-4.1-mini",
        residency: "global",
        auth: "apiKey",
        apiKeySecretId: "dooray-gpt/fixture/model-key-openai",
      },
    ]);
    variables.CHANNEL_PROFILES = JSON.stringify({
      "3333333333333333333": { name: "재무", residency: "kr", personalData: "allow" },
      "4444444444444444444": { name: "잡담", endpoints: ["openai"] },
    });
    const text = comment(plan);
    const seoul = "bedrock-runtime.ap-northeast-2.amazonaws.com (in Korea (kr)), model openai.gpt-oss-120b-1:0, the worker's own role (SigV4)";
    const openai = "⚠ api.openai.com (may process outside Korea (global)), model gpt-4.1-mini, key in secret dooray-gpt/fixture/model-key-openai";
    expect(text).toContain(`  - by default: 1. ${seoul} → 2. ${openai}`);
    expect(text).toContain(`  - channel 3333333333333333333 (재무), kept in Korea: ${seoul}`);
    expect(text).toContain(`  - channel 4444444444444444444 (잡담): ${openai}`);
    expect(text).not.toContain("set modelEndpoints for endpoints in Korea");
    // A channel that masks nothing says where the numbers go: in Korea only here.
    expect(text).toContain(
      "  - personal data in channel 3333333333333333333 (재무) (allow): ⚠ NOTHING IS MASKED: personal numbers go to bedrock-runtime.ap-northeast-2.amazonaws.com\n",
    );
  });

  it("names the commit it planned and links the run", () => {
    const plan = load("environment-update");
    const text = formatComment(reviewPlan(plan), plan, {
      allowDestroy: false,
      commit: "0123456789abcdef0123456789abcdef01234567",
      runUrl: "https://github.com/acme/bot/actions/runs/42",
    });
    expect(text.split("\n").slice(0, 4)).toContain("Planned at commit `0123456789ab` in [this run](https://github.com/acme/bot/actions/runs/42).");
  });

  it("never crashes on a valid plan it does not understand: it writes a comment that says the review failed, which replaces the last one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "review-"));
    const odd = join(dir, "odd.json");
    writeFileSync(odd, JSON.stringify({ resource_changes: [{ address: "aws_s3_bucket.x", type: "aws_s3_bucket", change: null }] }));
    const run = await runTool("review", [odd, "--stack", "dooray-gpt-prod", "--commit", "0123456789abcdef"], {});
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")[0]).toBe("<!-- dooray-gpt-review stack=dooray-gpt-prod plan=none -->");
    expect(run.stdout).toContain("⛔ review failed at `0123456789ab`");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const missing = await runTool("review", [join(dir, "nowhere.json"), "--stack", "dooray-gpt-prod"], {});
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("The review could not run: cannot read the plan");
  });
});
