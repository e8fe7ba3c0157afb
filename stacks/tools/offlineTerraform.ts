import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the real Terraform against a synthesized stack with no AWS account: providers from a local mirror
 * (TF_PLUGIN_DIR), and a provider override that skips every credential and account lookup, in a working folder of
 * its own, so nothing it writes (the override's fake credentials, .terraform, plan files) can reach the folder
 * that `cdktf diff` and `cdktf deploy` run in (docs/operations.md, "Reviewing a plan").
 */
export const OFFLINE_OVERRIDE = {
  provider: {
    aws: [
      {
        region: "ap-northeast-2",
        access_key: "offline-plan",
        secret_key: "offline-plan",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        // With no account to ask, the provider cannot check the account; a real deploy does.
        allowed_account_ids: null,
      },
    ],
  },
};

export class OfflineTerraformError extends Error {
  override readonly name = "OfflineTerraformError";
}

export interface TerraformRun {
  readonly stdout: string;
  readonly stderr: string;
}

export function pluginDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.TF_PLUGIN_DIR;
  if (!dir) {
    throw new OfflineTerraformError(
      "TF_PLUGIN_DIR is not set: point it at a Terraform provider mirror holding hashicorp/aws 5.100.0 " +
        "(on our machines /opt/tf-plugins), or review with `npx cdktf diff` and AWS credentials instead.",
    );
  }
  return dir;
}

/** Terraform with a CLI config of its own (the machine's may point at a missing file) and no colour. */
export function terraform(stackDir: string, args: string[], extraEnv: Record<string, string> = {}): TerraformRun {
  const cliConfig = join(mkdtempSync(join(tmpdir(), "tfrc-")), "empty.tfrc");
  writeFileSync(cliConfig, "");
  const result = spawnSync("terraform", args, {
    cwd: stackDir,
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", ...extraEnv },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new OfflineTerraformError(`terraform ${args[0]} failed in ${stackDir}:\n${result.stderr}${result.stdout}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Where an offline workspace keeps its (throwaway) state, whatever backend the stack itself declares. */
export const OFFLINE_STATE_FILE = "terraform.tfstate";

/**
 * Copies a synthesized stack (cdk.tf.json and its assets) into `workDir` and adds the credential-free override
 * there. The copy's backend is a local file: a stack with an S3 backend would otherwise need credentials at init,
 * and an offline plan shows what a first deploy would create anyway. A .terraform folder from an earlier run is
 * kept: init is then quicker.
 */
export function offlineWorkspace(stackDir: string, workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  for (const name of ["cdk.tf.json", "assets", "plan.bin"]) rmSync(join(workDir, name), { recursive: true, force: true });
  const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { terraform: { backend?: unknown } };
  stack.terraform.backend = { local: { path: OFFLINE_STATE_FILE } };
  writeFileSync(join(workDir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  cpSync(join(stackDir, "assets"), join(workDir, "assets"), { recursive: true });
  writeFileSync(join(workDir, "zz_offline_override.tf.json"), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
  return workDir;
}

/**
 * terraform init (providers from the mirror) and validate, in a workspace made by offlineWorkspace. A plan checks
 * the configuration too; `validate: false` saves the separate pass where a test plans the same configuration again.
 */
export function initOffline(workDir: string, options: { validate?: boolean } = {}): void {
  // -reconfigure: a .terraform folder left by another backend (an older version of this tool) holds no state worth keeping.
  terraform(workDir, ["init", "-input=false", "-no-color", "-reconfigure", `-plugin-dir=${pluginDir()}`]);
  if (options.validate !== false) terraform(workDir, ["validate", "-no-color"]);
}

/** A saved plan (plan.bin) plus its text and its JSON form. */
export function planOffline(stackDir: string, variables: Record<string, string> = {}, extraArgs: readonly string[] = []): { text: string; json: PlanJson } {
  const env = Object.fromEntries(Object.entries(variables).map(([name, value]) => [`TF_VAR_${name}`, value]));
  const plan = terraform(stackDir, ["plan", "-input=false", "-lock=false", "-no-color", "-out=plan.bin", ...extraArgs], env);
  const json = JSON.parse(terraform(stackDir, ["show", "-json", "plan.bin"]).stdout) as PlanJson;
  return { text: plan.stdout + plan.stderr, json };
}

export interface PlanJson {
  readonly resource_changes: { address: string; type: string; change: { actions: string[]; after: Record<string, unknown>; after_unknown?: Record<string, unknown> } }[];
  readonly planned_values: unknown;
  readonly variables?: Record<string, { value: unknown }>;
}

export function terraformAvailable(): boolean {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
