import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";
import { parseEnvironments, StackConfigError } from "../../stacks/config.js";
import { loadSettings } from "../../stacks/settings.js";

/** A company's own settings, apart from the repository's sample (docs/operations.md, "Your own settings"). */
const sample = readFileSync(join(REPO_ROOT, "cdktf.json"), "utf8");
const ownProd = { accountId: "333333333333", tenantIds: ["1234567890123456789"] };

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "settings-"));
  writeFileSync(join(root, "cdktf.json"), sample);
  return root;
}

describe("company settings", () => {
  it("reads environments/<env>.json instead of the sample, one environment per file", () => {
    const root = repository();
    mkdirSync(join(root, "environments"));
    writeFileSync(join(root, "environments", "prod.json"), JSON.stringify(ownProd));
    writeFileSync(join(root, "environments", "README.md"), "not settings");
    const settings = loadSettings(root, {});
    expect(settings.source).toBe("environments/");
    expect(parseEnvironments(settings.environments).map((env) => [env.name, env.accountId, env.tenantIds])).toEqual([
      ["prod", "333333333333", ["1234567890123456789"]],
    ]);
  });

  it("prefers the file DOORAY_GPT_SETTINGS names, and falls back to the sample when there is neither", () => {
    const root = repository();
    mkdirSync(join(root, "environments"));
    writeFileSync(join(root, "environments", "prod.json"), JSON.stringify(ownProd));
    const elsewhere = join(mkdtempSync(join(tmpdir(), "own-")), "dooray-gpt.json");
    writeFileSync(elsewhere, JSON.stringify({ staging: { accountId: "444444444444" } }));
    expect(parseEnvironments(loadSettings(root, { DOORAY_GPT_SETTINGS: elsewhere }).environments).map((env) => env.name)).toEqual(["staging"]);
    const bare = repository();
    expect(loadSettings(bare, {}).source).toBe("cdktf.json (the sample)");
    expect(parseEnvironments(loadSettings(bare, {}).environments).map((env) => env.name)).toEqual(["dev", "prod"]);
  });

  it("names the file when one is wrong", () => {
    const root = repository();
    mkdirSync(join(root, "environments"));
    writeFileSync(join(root, "environments", "Prod.json"), "{}");
    expect(() => loadSettings(root, {})).toThrow(
      new StackConfigError(
        "environments/Prod.json: the file name is the environment's name: lower-case letters, digits and dashes, up to 20, then .json (for example prod.json)",
      ),
    );
    writeFileSync(join(root, "environments", "Prod.json"), "");
    execFileSync("mv", [join(root, "environments", "Prod.json"), join(root, "environments", "prod.json")]);
    expect(() => loadSettings(root, {})).toThrow(/^environments\/prod\.json: not valid JSON/);
    expect(() => loadSettings(root, { DOORAY_GPT_SETTINGS: join(root, "missing.json") })).toThrow(
      /^DOORAY_GPT_SETTINGS \(.*missing\.json\): cannot read it \(ENOENT\)$/,
    );
  });

  it("takes upstream updates and rolls back with no conflict, where editing the sample in place could not", () => {
    const git = (cwd: string, ...args: string[]) =>
      spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "advice.detachedHead=false", ...args], { cwd, encoding: "utf8" });
    const upstream = repository();
    git(upstream, "init", "-q", "-b", "main");
    git(upstream, "add", ".");
    git(upstream, "commit", "-qm", "upstream v1");
    const company = mkdtempSync(join(tmpdir(), "company-"));
    git(company, "clone", "-q", upstream, ".");
    const updateUpstream = (version: string) => {
      const cdktf = JSON.parse(readFileSync(join(upstream, "cdktf.json"), "utf8"));
      cdktf.context.environments.dev.tags = { Sample: version };
      writeFileSync(join(upstream, "cdktf.json"), JSON.stringify(cdktf, null, 2));
      git(upstream, "commit", "-qam", `upstream ${version}`);
    };

    // The old way: the company's account in the sample itself. The documented rollback then fails.
    const edited = JSON.parse(sample);
    edited.context.environments.prod.accountId = "333333333333";
    writeFileSync(join(company, "cdktf.json"), JSON.stringify(edited, null, 2));
    updateUpstream("v2");
    git(company, "fetch", "-q");
    const blocked = git(company, "checkout", "-q", "origin/main");
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toContain("Your local changes to the following files would be overwritten by checkout:\n\tcdktf.json");

    // The new way: the company's own file, committed in its fork; the sample untouched.
    git(company, "checkout", "-q", "cdktf.json");
    mkdirSync(join(company, "environments"));
    writeFileSync(join(company, "environments", "prod.json"), JSON.stringify(ownProd));
    git(company, "add", "environments");
    git(company, "commit", "-qm", "our prod");
    updateUpstream("v3");
    expect(git(company, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main").status).toBe(0);
    expect(JSON.parse(readFileSync(join(company, "cdktf.json"), "utf8")).context.environments.dev.tags).toEqual({ Sample: "v3" });
    expect(parseEnvironments(loadSettings(company, {}).environments).map((env) => env.accountId)).toEqual(["333333333333"]);
    // Rolling back the update (docs/operations.md, "Rolling back"): a revert, reviewed and applied like any change.
    expect(git(company, "revert", "--no-edit", "-m", "1", "HEAD").status).toBe(0);
    expect(git(company, "status", "--porcelain").stdout).toBe("");
    expect(JSON.parse(readFileSync(join(company, "cdktf.json"), "utf8")).context.environments.dev.tags).toEqual(
      JSON.parse(sample).context.environments.dev.tags,
    );
    expect(parseEnvironments(loadSettings(company, {}).environments).map((env) => env.accountId)).toEqual(["333333333333"]);
  });
});

describe("a synth after other settings", () => {
  it("leaves only its own stacks in the output: the sample's never stay beside a company's, to be planned as if theirs", async () => {
    const { synthApp } = await import("../../stacks/main.js");
    const { readdirSync } = await import("node:fs");
    const outdir = mkdtempSync(join(tmpdir(), "synth-after-"));
    const sampleProd = (JSON.parse(sample) as { context: { environments: Record<string, unknown> } }).context.environments.prod as Record<string, unknown>;
    synthApp(outdir, { dev: sampleProd, prod: sampleProd });
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dooray-gpt-dev", "dooray-gpt-prod"]);
    synthApp(outdir, { fin: sampleProd });
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["dooray-gpt-fin"]);
  }, 120_000);
});
