import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

/**
 * The GitHub Actions workflows (docs/operations.md, "Review in pull requests"), read as GitHub reads them: they
 * cannot run here, so this holds them to what the review process promises. Checkov's GitHub Actions checks run on
 * them in policyScan.test.ts; shellcheck runs on every `run:` script where it is installed (REQUIRE_SHELLCHECK=1,
 * which .ci/run sets, makes a missing one a failure).
 */
type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
};
type Job = {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
  strategy?: { "max-parallel"?: number };
};
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

const text = (name: string) => readFileSync(join(REPO_ROOT, ".github", "workflows", name), "utf8");
const workflow = (name: string) => parse(text(name)) as Workflow;
const runs = (job: Job) => job.steps.map((step) => step.run ?? "").join("\n");
const scripts = (job: Job) => job.steps.map((step) => String(step.with?.script ?? "")).join("\n");
/** The index of the first step that matches: a run script, or a `uses:` action. */
const position = (job: Job, pattern: RegExp) => job.steps.findIndex((step) => pattern.test(step.run ?? "") || pattern.test(step.uses ?? ""));
const inOrder = (job: Job, patterns: RegExp[]) => {
  const found = patterns.map((pattern) => position(job, pattern));
  expect(
    found.every((index) => index >= 0),
    `steps ${patterns.join(", ")} all present`,
  ).toBe(true);
  expect(found, "steps in order").toEqual([...found].sort((a, b) => a - b));
};

const plan = workflow("plan.yml");
const apply = workflow("apply.yml");
const allJobs = [...Object.values(plan.jobs), ...Object.values(apply.jobs)];
const shellcheck = spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0;
if (!shellcheck && process.env.REQUIRE_SHELLCHECK === "1") throw new Error("REQUIRE_SHELLCHECK=1 but shellcheck is not on PATH");

describe("the review workflows", () => {
  it("plan: the job that runs the pull request's code reads only, installs and synthesizes before it has AWS credentials, and hands its outputs on as an artifact", () => {
    expect(Object.keys(plan.on).sort()).toEqual(["merge_group", "pull_request"]);
    expect(plan.permissions).toEqual({ contents: "read" });
    const job = plan.jobs.plan!;
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const login = job.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(login.with!["role-to-assume"]).toBe("${{ env.ROLE }}");
    expect(JSON.stringify(job)).toContain("[matrix.stack].planRole");
    inOrder(job, [
      /^npm ci$/,
      /^npm run synth$/,
      /^aws-actions\/configure-aws-credentials@/,
      /terraform plan [^\n]*-out=plan\.bin/,
      /terraform show -json/,
      /npm run -s policy -- --plan/,
      /^actions\/upload-artifact@/,
    ]);
    expect(runs(job)).toMatch(/terraform plan -input=false -lock=false/);
    expect(runs(job)).not.toMatch(/-backend=false|zz_offline_override|npm run -s review/);
    const upload = job.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with).toMatchObject({ name: "review-${{ matrix.stack }}", path: "review/" });
    // Nothing in it calls GitHub's API: its token could not write anyway, and the report job does that.
    expect(job.steps.filter((step) => step.uses?.startsWith("actions/github-script@"))).toEqual([]);
  });

  it("plan: a separate job that runs no pull-request code reviews the artifact, comments, records the digest as a check run, and gates", () => {
    const job = plan.jobs.report!;
    expect(job.needs).toEqual(["stacks", "plan"]);
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write", checks: "write" });
    const checkout = job.steps.find((step) => step.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with).toMatchObject({ ref: "${{ github.event.repository.default_branch }}", "persist-credentials": false });
    expect(job.steps.some((step) => step.uses?.startsWith("aws-actions/"))).toBe(false);
    expect(JSON.stringify(job)).not.toContain("id-token");
    inOrder(job, [
      /^actions\/checkout@/,
      /^npm ci$/,
      /^actions\/download-artifact@/,
      /npm run -s review -- review\/plan\.json "\$\{flags\[@\]\}"/,
      /--fingerprint/,
    ]);
    expect(runs(job)).not.toMatch(/npm run synth|terraform /);
    const review = job.steps.find((step) => step.id === "review")!;
    expect(review.run).toContain('--commit "$HEAD_SHA" --run-url "$RUN_URL"');
    const comment = scripts(job);
    expect(comment).toContain("<!-- dooray-gpt-review stack=${process.env.STACK} ");
    expect(comment).toContain("updateComment");
    expect(comment).toMatch(/checks\.create\(\{[^]*external_id: passed \? DIGEST : "none"/);
    const gate = job.steps.at(-1)!;
    expect(gate.run).toMatch(/"\$REVIEW_CODE" = "2" \][^\n]*exit 1/);
    expect(gate.run).toMatch(/"\$POLICY" != "0" \][^\n]*exit 1/);
    // The stack's name came from the pull request's settings: it is checked before it is used.
    expect(position(job, /=~ \^\[a-z0-9\]/)).toBeLessThan(position(job, /^npm ci$/));
  });

  it("apply: after a merge or by hand, behind the stack's environment, queued on the state lock, and only a plan whose digest the trusted job recorded", () => {
    expect(Object.keys(apply.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(apply.on.push).toEqual({ branches: ["main"] });
    // A concurrency group keeps one pending run and drops the rest: the middle of three merges would never apply.
    expect(apply.concurrency).toBeUndefined();
    const job = apply.jobs.apply!;
    expect(job.environment).toBe("${{ matrix.stack }}");
    expect(job.strategy!["max-parallel"]).toBe(1);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", checks: "read", "pull-requests": "write" });
    inOrder(job, [
      /^npm ci$/,
      /^npm run synth$/,
      /^aws-actions\/configure-aws-credentials@/,
      /terraform plan [^\n]*-lock-timeout=30m -detailed-exitcode -out=plan\.bin/,
      /--fingerprint/,
    ]);
    const applying = job.steps.filter((step) => /terraform[^\n]* apply /.test(step.run ?? ""));
    expect(applying).toHaveLength(1);
    expect(applying[0]!.run).toMatch(/apply -input=false -no-color -lock-timeout=30m plan\.bin$/);
    expect(applying[0]!.if).toBe("steps.compare.outputs.go == 'true'");
    const compare = job.steps.find((step) => step.id === "compare")!;
    expect(compare.run).toMatch(/if \[ "\$DIGEST" != "\$REVIEWED" \]; then[^]*?exit 1/);
    // The digest comes from the trusted job's check run, never from a comment anyone with write access can edit.
    const reviewed = String(job.steps.find((step) => step.id === "reviewed")!.with!.script);
    expect(reviewed).toContain("checks.listForRef");
    expect(reviewed).toContain('run.app?.slug === "github-actions"');
    expect(reviewed).not.toMatch(/listComments|getComment|comment\.body/);
    expect(JSON.stringify(apply)).not.toMatch(/listComments|dooray-gpt-review stack=/);
    // A run by hand first checks that the environment makes a second person approve it.
    const guard = job.steps.findIndex((step) => String(step.with?.script ?? "").includes("prevent_self_review !== true"));
    expect(guard).toBeGreaterThanOrEqual(0);
    expect(job.steps[guard]!.if).toContain("github.event_name == 'workflow_dispatch'");
    expect(guard).toBeLessThan(position(job, /^aws-actions\/configure-aws-credentials@/));
    // The result goes back to the pull request, whatever it was.
    const told = job.steps.at(-1)!;
    expect(told.if).toContain("always()");
    expect(String(told.with!.script)).toContain("issues.createComment");
    // No other job applies, and no job anywhere approves by itself.
    for (const other of allJobs.filter((candidate) => candidate !== job)) expect(runs(other)).not.toMatch(/terraform[^\n]* apply|-auto-approve/);
    expect(runs(job)).not.toContain("-auto-approve");
  });

  it("checks out without leaving a token in the repository, and pins every action to a full commit SHA with its version beside it", () => {
    for (const job of allJobs) {
      for (const step of job.steps.filter((candidate) => candidate.uses?.startsWith("actions/checkout@")))
        expect(step.with?.["persist-credentials"]).toBe(false);
    }
    for (const name of ["plan.yml", "apply.yml"]) {
      const uses = [...text(name).matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(5);
      for (const [, action, rest] of uses) {
        expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
        expect(rest).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    }
    const dependabot = parse(readFileSync(join(REPO_ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string; directory: string }[];
    };
    expect(dependabot.updates).toContainEqual(expect.objectContaining({ "package-ecosystem": "github-actions", directory: "/" }));
  });

  it("CODEOWNERS covers the workflows, the review tools, the scanner's config and the settings", () => {
    const owned = readFileSync(join(REPO_ROOT, ".github", "CODEOWNERS"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"))
      .map((line) => line.split(/\s+/));
    for (const [path, ...owners] of owned) expect(owners.length, path).toBeGreaterThan(0);
    expect(owned.map(([path]) => path)).toEqual(expect.arrayContaining(["/.github/", "/stacks/ops/", "/.checkov.yaml", "/cdktf.json", "/environments/"]));
  });

  it.skipIf(!shellcheck)("every run script is clean under shellcheck, masked exit statuses included", () => {
    for (const [file, parsed] of [
      ["plan.yml", plan],
      ["apply.yml", apply],
    ] as const) {
      for (const [name, job] of Object.entries(parsed.jobs)) {
        for (const step of job.steps.filter((candidate) => candidate.run)) {
          const script = step.run!.replace(/\$\{\{[^}]*\}\}/g, "placeholder");
          const check = spawnSync("shellcheck", ["-s", "bash", "-S", "info", "-o", "check-extra-masked-returns", "-f", "gcc", "-"], {
            input: script,
            encoding: "utf8",
          });
          expect(check.stdout, `${file} ${name}: ${step.name ?? step.run!.slice(0, 40)}`).toBe("");
        }
      }
    }
  });

  it("every run script is valid bash", () => {
    for (const job of allJobs) {
      for (const step of job.steps.filter((candidate) => candidate.run)) {
        const check = spawnSync("bash", ["-n"], { input: step.run!.replace(/\$\{\{[^}]*\}\}/g, "placeholder"), encoding: "utf8" });
        expect(check.stderr, `${step.name ?? step.run!.slice(0, 40)}`).toBe("");
      }
    }
  });

  it("documents roles whose trust names the workflow file, a plan role that reads no data, and an apply role for the environment only", () => {
    const docs = readFileSync(join(REPO_ROOT, "docs", "operations.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Review in pull requests"), docs.indexOf("\n## ", docs.indexOf("## Review in pull requests") + 5));
    const blocks = [...section.matchAll(/```json\n([^]*?)```/g)].map((match) => JSON.parse(match[1]!) as Record<string, any>);
    expect(blocks).toHaveLength(4);
    const [roles, planTrust, planPolicy, applyTrust] = blocks as [Record<string, any>, Record<string, any>, Record<string, any>, Record<string, any>];
    expect(Object.keys(roles["dooray-gpt-prod"]).sort()).toEqual(["applyRole", "planRole", "region"]);
    for (const trust of [planTrust, applyTrust]) {
      const [statement] = trust.Statement;
      expect(statement).toMatchObject({
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: expect.stringMatching(/:oidc-provider\/token\.actions\.githubusercontent\.com$/) },
      });
      expect(statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
    }
    const planSubjects = planTrust.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] as string[];
    expect(planSubjects).toEqual([
      expect.stringMatching(/^repo:ORG\/REPO:pull_request:job_workflow_ref:ORG\/REPO\/\.github\/workflows\/plan\.yml@/),
      expect.stringMatching(/^repo:ORG\/REPO:ref:refs\/heads\/gh-readonly-queue\/main\/\*:job_workflow_ref:ORG\/REPO\/\.github\/workflows\/plan\.yml@/),
    ]);
    expect(applyTrust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe(
      "repo:ORG/REPO:environment:dooray-gpt-prod:job_workflow_ref:ORG/REPO/.github/workflows/apply.yml@refs/heads/main",
    );
    // The plan role: named actions only, nothing that reads data or secrets, the code-signing reads included.
    const allowed = (planPolicy.Statement as { Effect: string; Action: string[] }[])
      .filter((statement) => statement.Effect === "Allow")
      .flatMap((statement) => statement.Action);
    for (const action of allowed) expect(action).toMatch(/^[a-z0-9]+:[A-Z][A-Za-z]+$/);
    for (const data of [
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "secretsmanager:GetSecretValue",
      "kms:Decrypt",
      "sqs:ReceiveMessage",
    ])
      expect(allowed).not.toContain(data);
    expect(allowed).toEqual(
      expect.arrayContaining(["signer:GetSigningProfile", "signer:DescribeSigningJob", "lambda:GetCodeSigningConfig", "s3:GetBucketVersioning"]),
    );
    const denied = (planPolicy.Statement as { Effect: string; Action: string[] }[]).find((statement) => statement.Effect === "Deny")!.Action;
    expect(denied).toEqual(expect.arrayContaining(["secretsmanager:GetSecretValue", "kms:Decrypt", "dynamodb:GetItem", "logs:GetLogEvents"]));
    // The jobs that assume them: plan.yml's plan job (no environment), apply.yml's apply job (the stack's).
    expect(plan.jobs.plan!.environment).toBeUndefined();
    expect(apply.jobs.apply!.environment).toBe("${{ matrix.stack }}");
  });
});
