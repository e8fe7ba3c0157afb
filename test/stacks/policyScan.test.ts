import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthApp } from "../../stacks/main.js";
import { terraformAvailable } from "../../stacks/tools/offlineTerraform.js";
import { CHECKOV_CONFIG, checkovAvailable, declaredExceptions, planJsonFor, scanPlan } from "../../stacks/tools/policy.js";
import { TERRAFORM_BUDGET_MS } from "../support/testBudgets.js";

/**
 * Checkov, the scanner security reviewers run on plans, on our plans (docs/operations.md, "Policy scan"). Runs where
 * checkov, terraform and TF_PLUGIN_DIR are present; REQUIRE_CHECKOV=1 (.ci/run, where it finds the tool) makes a
 * missing one a failure instead of a skip.
 */
const available = checkovAvailable() && terraformAvailable() && Boolean(process.env.TF_PLUGIN_DIR);
if (!available && process.env.REQUIRE_CHECKOV === "1") throw new Error("REQUIRE_CHECKOV=1 but checkov, terraform or TF_PLUGIN_DIR is missing");

const ACCOUNT = "222222222222";
const scanned = (settings: Record<string, unknown>) => {
  const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-policy-"));
  synthApp(outdir, { scan: { accountId: ACCOUNT, ...settings } });
  return scanPlan("dooray-gpt-scan", planJsonFor(join(outdir, "stacks"), "dooray-gpt-scan", join(outdir, "policy")));
};

describe("the policy scan", () => {
  it("declares exactly the accepted exceptions, each with its reason beside it", () => {
    const config = readFileSync(CHECKOV_CONFIG, "utf8");
    expect(declaredExceptions(config).sort()).toEqual(["CKV2_AWS_57", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_258", "CKV_AWS_272", "CKV_AWS_301"].sort());
    for (const check of declaredExceptions(config)) expect(config, check).toMatch(new RegExp(`# [^\\n]+\\n(?:\\s+# [^\\n]+\\n)*\\s+- ${check}\\n`));
  });

  it.skipIf(!available)(
    "passes every check outside the declared exceptions on a prod-like plan, alarm topic included",
    () => {
      const result = scanned({ logRetentionDays: 365, tracing: true, table: { pointInTimeRecovery: true, deletionProtection: true }, alarms: { emails: ["ops@example.com"] } });
      expect(result.failures).toEqual([]);
      expect(result.passed).toBeGreaterThan(60);
    },
    TERRAFORM_BUDGET_MS,
  );

  it.skipIf(!available)(
    "finds what a reviewer would: logs kept less than a year, a table without point-in-time recovery",
    () => {
      const result = scanned({ logRetentionDays: 30 });
      expect(result.failures.map((failure) => failure.checkId).sort()).toEqual(["CKV_AWS_28", "CKV_AWS_338", "CKV_AWS_338"]);
    },
    TERRAFORM_BUDGET_MS,
  );
});
