import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { synthApp } from "../../stacks/main.js";
import { CHECKOV_CONFIG, checkovAvailable, planJsonFor, scanPlan, WORKFLOWS_DIR } from "../../stacks/ops/policy.js";
import { declaredExceptions } from "../../stacks/ops/policyReport.js";
import { formatSummary, reviewSummary } from "../../stacks/ops/reviewSummary.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";
import { terraformReadiness } from "../support/terraformReady.js";

/**
 * Checkov, the scanner security reviewers run on plans, on our plans (docs/operations.md, "Policy scan"). Runs where
 * checkov, terraform and TF_PLUGIN_DIR are present; REQUIRE_CHECKOV=1 (.ci/run, where it finds the tool) makes a
 * missing one a failure instead of a skip.
 */
const available = checkovAvailable() && terraformReadiness().ready;
if (!available && process.env.REQUIRE_CHECKOV === "1")
  throw new Error(`REQUIRE_CHECKOV=1 but ${checkovAvailable() ? (terraformReadiness() as { reason: string }).reason : "checkov is not on PATH"}`);

const ACCOUNT = "222222222222";
const SCOPED_CHANNELS = {
  "1111111111111111111": { name: "플랫폼", dooray: { projects: ["3570526358279081523"], wikis: ["3570526358279081999"], taskProject: "3570526358279081523" } },
  "2222222222222222222": { name: "잡담" },
};
type PlanJson = {
  resource_changes: { type: string; change: { after: Record<string, any> } }[];
  planned_values: { root_module: { resources: { type: string; values: Record<string, any> }[] } };
};

describe("the policy scan", () => {
  it("declares exactly the accepted exceptions, each with its reason beside it", () => {
    const config = readFileSync(CHECKOV_CONFIG, "utf8");
    expect(declaredExceptions(config).sort()).toEqual(
      ["CKV2_AWS_57", "CKV2_AWS_62", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_144", "CKV_AWS_18", "CKV_AWS_272"].sort(),
    );
    for (const check of declaredExceptions(config)) expect(config, check).toMatch(new RegExp(`# [^\\n]+\\n(?:\\s+# [^\\n]+\\n)*\\s+- ${check}\\n`));
  });

  describe.skipIf(!available)("on a prod-like plan, alarm topic included", { timeout: TERRAFORM_BUDGET_MS }, () => {
    let planPath: string;
    beforeAll(() => {
      const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-policy-"));
      // With Dooray tools too (the third secret must pass the same checks as the other two), and code signing (its
      // bucket, uploads and signing jobs must pass them as well).
      synthApp(outdir, {
        scan: {
          accountId: ACCOUNT,
          logRetentionDays: 365,
          tracing: true,
          codeSigning: true,
          table: { pointInTimeRecovery: true, deletionProtection: true },
          alarms: { emails: ["ops@example.com"] },
          doorayApi: {},
          channels: SCOPED_CHANNELS,
        },
      });
      planPath = planJsonFor(join(outdir, "stacks"), "dooray-gpt-scan", join(outdir, "policy"));
    }, TERRAFORM_BUDGET_MS);

    it("shows the reviewer, from the plan, what each channel may read in Dooray and where it may create tasks", () => {
      const summary = formatSummary(reviewSummary("dooray-gpt-scan", JSON.parse(readFileSync(planPath, "utf8")), [ACCOUNT]));
      expect(summary).toContain(
        "through https://api.dooray.com with the bot account's personal token (secret dooray-gpt/scan/dooray-api-token, read by the worker only)",
      );
      expect(summary).toContain(
        "    channel 1111111111111111111 (플랫폼): reads tasks of projects 3570526358279081523; reads pages of wikis 3570526358279081999; creates tasks in project 3570526358279081523, only when the person confirms",
      );
      expect(summary).not.toContain("channel 2222222222222222222 (잡담): reads");
      expect(summary).toContain("ReadDoorayApiToken (Allow): secretsmanager:GetSecretValue");
      expect(summary).toContain("Code signing: profile dooray_gpt_scan (AWSLambda-SHA384-ECDSA); untrusted code at deploy: Enforce");
      expect(summary).toContain("  - signed, and runs only signed code: dooray-gpt-scan-edge, dooray-gpt-scan-worker; signed layers: dooray-gpt-scan-openai");
      expect(summary).not.toContain("NOT SIGNED");
      expect(summary).toMatch(/alias\/dooray-gpt-scan: [^\n]*encrypts [^\n]*, bucket dooray-gpt-scan-code-222222222222/);
    });

    it("passes every check outside the declared exceptions, and the workflows pass the GitHub Actions checks but the one declared in apply.yml", () => {
      const result = scanPlan("dooray-gpt-scan", planPath, undefined, { workflows: true });
      expect(result.failures).toEqual([]);
      // The edge's public URL and its grant fail two checks by design, and are set aside for the edge alone.
      expect(result.excepted.map((failure) => failure.checkId).sort()).toEqual(["CKV_AWS_258", "CKV_AWS_301"]);
      expect(result.excepted.map((failure) => failure.resource)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_lambda_function_url\.edge_url_/),
          expect.stringMatching(/^aws_lambda_permission\.edge_public_invoke_/),
        ]),
      );
      expect(result.passed).toBeGreaterThan(60);
      expect(result.workflows).toMatchObject({ failed: 0, skipped: 1, failures: [] });
      expect(result.workflows!.passed).toBeGreaterThan(100);
      const skips = [...readFileSync(join(WORKFLOWS_DIR, "workflows", "apply.yml"), "utf8").matchAll(/# checkov:skip=(\S+): (.+)/g)];
      expect(skips.map((skip) => skip[1])).toEqual(["CKV_GHA_7"]);
      expect(skips[0]![2]).toMatch(/never applied/);
    });

    it("finds what a reviewer would in the same plan with logs kept a month and no point-in-time recovery", () => {
      const plan = JSON.parse(readFileSync(planPath, "utf8")) as PlanJson;
      const weaken = (type: string, values: Record<string, any>) => {
        if (type === "aws_cloudwatch_log_group") values.retention_in_days = 30;
        if (type === "aws_dynamodb_table") values.point_in_time_recovery = [{ enabled: false }];
      };
      for (const change of plan.resource_changes) weaken(change.type, change.change.after);
      for (const resource of plan.planned_values.root_module.resources) weaken(resource.type, resource.values);
      const weakened = join(planPath, "..", "weakened.json");
      writeFileSync(weakened, JSON.stringify(plan));
      expect(
        scanPlan("dooray-gpt-scan", weakened)
          .failures.map((failure) => failure.checkId)
          .sort(),
      ).toEqual(["CKV_AWS_28", "CKV_AWS_338", "CKV_AWS_338"]);
    });

    it("fails a second public function: the edge's exceptions are the edge's alone", () => {
      const plan = JSON.parse(readFileSync(planPath, "utf8")) as PlanJson & {
        resource_changes: { address: string; type: string; name: string; change: { after: Record<string, any> } }[];
        planned_values: { root_module: { resources: { address: string; type: string; name: string; values: Record<string, any> }[] } };
      };
      const worker = "dooray-gpt-scan-worker";
      for (const type of ["aws_lambda_function_url", "aws_lambda_permission"]) {
        const change = plan.resource_changes.find((candidate) => candidate.type === type)!;
        const resource = plan.planned_values.root_module.resources.find((candidate) => candidate.type === type)!;
        const address = `${type}.worker_public`;
        plan.resource_changes.push({
          ...change,
          address,
          name: "worker_public",
          change: { ...change.change, after: { ...change.change.after, function_name: worker } },
        });
        plan.planned_values.root_module.resources.push({ ...resource, address, name: "worker_public", values: { ...resource.values, function_name: worker } });
      }
      const widened = join(planPath, "..", "second-public.json");
      writeFileSync(widened, JSON.stringify(plan));
      const result = scanPlan("dooray-gpt-scan", widened);
      expect(result.failures.map((failure) => `${failure.checkId} ${failure.resource}`).sort()).toEqual([
        "CKV_AWS_258 aws_lambda_function_url.worker_public",
        "CKV_AWS_301 aws_lambda_permission.worker_public",
      ]);
      expect(result.excepted).toHaveLength(2);
    });
  });
});
