import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import type { PlanJson } from "../../stacks/ops/offlineTerraform.js";
import { GATE_RULES, WHOLE_RESOURCE } from "../../stacks/ops/gateRules.js";
import { formatComment, gateFails } from "../../stacks/ops/planComment.js";
import { planFingerprint, reviewPlan } from "../../stacks/ops/planReview.js";
import { runTool } from "../support/runTool.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";
import { OPENAI_ENDPOINT, SEOUL_ENDPOINT } from "../support/sampleEndpoints.js";

/** The review's gate on saved plans the real Terraform made (test/fixtures/plans/generate.ts): rule by rule, and access. */
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "plans");
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const load = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8")) as PlanJson;
const comment = (plan: PlanJson, allowDestroy = false) => formatComment(reviewPlan(plan), plan, { allowDestroy });
const rowsOf = (text: string) => text.split("\n").filter((line) => /^\| (➕|✏️|♻️|🗑️|👻)/.test(line));
/** What the gate names for a plan: (address, rule attribute) pairs. */
const lossesOf = (plan: PlanJson) => reviewPlan(plan).losses.map((loss) => `${loss.change.address} ${loss.rule.attribute}`);

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
    variables.MODEL_ENDPOINTS = JSON.stringify([SEOUL_ENDPOINT, { ...OPENAI_ENDPOINT, auth: "apiKey", apiKeySecretId: "dooray-gpt/fixture/model-key-openai" }]);
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
