import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

/**
 * The GitHub Actions workflows (docs/operations.md, "Review in pull requests"), read as GitHub reads them: they
 * cannot run here, so this holds them to what the review process promises (Checkov's GitHub Actions checks run
 * on them in policyScan.test.ts, in the same Checkov run as a plan's).
 */
type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { needs?: string; environment?: string; permissions?: Record<string, string>; steps: Step[]; strategy?: { "max-parallel"?: number } };
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean }; jobs: Record<string, Job> };

const workflow = (name: string) => parse(readFileSync(join(REPO_ROOT, ".github", "workflows", name), "utf8")) as Workflow;
const runs = (job: Job) => job.steps.map((step) => step.run ?? "").join("\n");
const position = (job: Job, pattern: RegExp) => job.steps.findIndex((step) => pattern.test(step.run ?? ""));

function expectOidc(job: Job, roleKey: string): void {
  expect(job.permissions).toMatchObject({ "id-token": "write" });
  const login = job.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
  expect(login.with!["role-to-assume"]).toBe("${{ env.ROLE }}");
  expect(JSON.stringify(job)).toContain(`[matrix.stack].${roleKey}`);
  // No long-lived keys anywhere.
  expect(JSON.stringify(job)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
}

describe("the review workflows", () => {
  const plan = workflow("plan.yml");
  const apply = workflow("apply.yml");

  it("plans every pull request per stack through OIDC: synth, plan -out against the real backend, policy, review, one comment per stack, failing on the gate", () => {
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    expect(plan.permissions).toEqual({ contents: "read" });
    const job = plan.jobs.plan!;
    expectOidc(job, "planRole");
    expect(job.permissions).toMatchObject({ "pull-requests": "write" });
    const order = [/npm run synth/, /terraform plan [^\n]*-out=plan\.bin/, /npm run -s policy -- --plan/, /npm run -s review -- [^\n]*--checkov checkov\.json/].map((step) => position(job, step));
    expect(order.every((index, at) => index >= 0 && (at === 0 || index > order[at - 1]!))).toBe(true);
    expect(runs(job)).not.toMatch(/-backend=false|zz_offline_override/);
    const comment = job.steps.find((step) => step.uses?.startsWith("actions/github-script@"))!.with!.script as string;
    expect(comment).toContain("<!-- dooray-gpt-review stack=${process.env.STACK} ");
    expect(comment).toContain("updateComment");
    const gate = job.steps.at(-1)!;
    expect(gate.run).toMatch(/"\$REVIEW_CODE" = "2" \][^\n]*exit 1/);
    expect(gate.env).toMatchObject({ REVIEW_CODE: "${{ steps.review.outputs.code }}" });
  });

  it("applies after a merge or by hand, behind an environment, one at a time, and only a plan whose digest was reviewed", () => {
    expect(Object.keys(apply.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(apply.on.push).toEqual({ branches: ["main"] });
    expect(apply.concurrency).toEqual({ group: "apply", "cancel-in-progress": false });
    const job = apply.jobs.apply!;
    expect(job.environment).toBe("${{ matrix.stack }}");
    expect(job.strategy!["max-parallel"]).toBe(1);
    expectOidc(job, "applyRole");
    const applying = job.steps.filter((step) => /terraform[^\n]* apply /.test(step.run ?? ""));
    expect(applying).toHaveLength(1);
    expect(applying[0]!.run).toMatch(/apply -input=false -no-color plan\.bin$/);
    expect(applying[0]!.if).toBe("steps.compare.outputs.go == 'true'");
    const compare = job.steps.find((step) => step.id === "compare")!;
    expect(compare.run).toMatch(/if \[ "\$DIGEST" != "\$REVIEWED" \]; then[^]*?exit 1/);
    expect(position(job, /--fingerprint/)).toBeLessThan(job.steps.indexOf(compare));
    // No other job applies, and no job anywhere approves by itself.
    const others = [...Object.values(plan.jobs), ...Object.values(apply.jobs)].filter((other) => other !== job);
    for (const other of others) expect(runs(other)).not.toMatch(/terraform[^\n]* apply|-auto-approve/);
    expect(runs(job)).not.toContain("-auto-approve");
  });

  it("documents roles whose trust matches the workflows: pull requests may plan, only the stack's environment may apply", () => {
    const docs = readFileSync(join(REPO_ROOT, "docs", "operations.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Review in pull requests"), docs.indexOf("\n## ", docs.indexOf("## Review in pull requests") + 5));
    const blocks = [...section.matchAll(/```json\n([^]*?)```/g)].map((match) => JSON.parse(match[1]!) as Record<string, any>);
    expect(blocks).toHaveLength(3);
    const roles = blocks[0]!["dooray-gpt-prod"];
    expect(Object.keys(roles).sort()).toEqual(["applyRole", "planRole", "region"]);
    const subjects = blocks.slice(1).map((policy) => {
      const [statement] = policy.Statement;
      expect(statement).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: expect.stringMatching(/:oidc-provider\/token\.actions\.githubusercontent\.com$/) } });
      expect(statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
      return statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    });
    // The plan job runs on pull_request with no environment; the apply job runs in the environment named after the stack.
    expect(subjects).toEqual(["repo:ORG/REPO:pull_request", "repo:ORG/REPO:environment:dooray-gpt-prod"]);
    expect(plan.jobs.plan!.environment).toBeUndefined();
    expect(apply.jobs.apply!.environment).toBe("${{ matrix.stack }}");
  });

  it("pins every action to a version, and every run script is valid bash", () => {
    for (const file of [plan, apply]) {
      for (const job of Object.values(file.jobs)) {
        for (const step of job.steps) {
          if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
          if (step.run) {
            const script = step.run.replace(/\$\{\{[^}]*\}\}/g, "placeholder");
            const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
            expect(check.stderr, `${step.name ?? step.run.slice(0, 40)}`).toBe("");
          }
        }
      }
    }
  });
});

