import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the real Terraform against a synthesized stack with no AWS account: the provider from wherever this machine's
 * Terraform installs it (the public registry, or the mirror its CLI configuration names), or from TF_PLUGIN_DIR when
 * that is set; and a provider override that skips every credential and account lookup, in a working folder of its
 * own, so nothing it writes (the override's fake credentials, .terraform, plan files) can reach the folder that
 * `cdktf diff` and `cdktf deploy` run in (docs/operations.md, "Reviewing a plan").
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

/** The AWS provider the stacks pin (@cdktf/provider-aws 20.1.0 is generated from it; a test holds the two together). */
export const AWS_PROVIDER = { source: "hashicorp/aws", version: "5.100.0" } as const;

/** The provider lock a company commits at the repository's root: synth and the offline plan hand it to Terraform. */
export const LOCK_FILE = ".terraform.lock.hcl";

/** A folder holding providers as `terraform init -plugin-dir` reads them, when TF_PLUGIN_DIR names one; else none. */
export function pluginDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TF_PLUGIN_DIR?.trim() || undefined;
}

/**
 * Terraform with no colour. With TF_PLUGIN_DIR, a CLI config of its own (the machine's may name a mirror that the
 * plugin folder replaces); without, the machine's own (TF_CLI_CONFIG_FILE, ~/.terraformrc), untouched.
 */
export function terraform(stackDir: string, args: string[], extraEnv: Record<string, string> = {}): TerraformRun {
  const own: Record<string, string> = {};
  if (pluginDir()) {
    own.TF_CLI_CONFIG_FILE = join(mkdtempSync(join(tmpdir(), "tfrc-")), "empty.tfrc");
    writeFileSync(own.TF_CLI_CONFIG_FILE, "");
  }
  const result = spawnSync("terraform", args, {
    cwd: stackDir,
    env: { ...process.env, ...own, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", ...extraEnv },
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
  // The stack's provider lock (synth copies the company's in), so the plan installs exactly what a deploy would.
  rmSync(join(workDir, LOCK_FILE), { force: true });
  if (existsSync(join(stackDir, LOCK_FILE))) cpSync(join(stackDir, LOCK_FILE), join(workDir, LOCK_FILE));
  writeFileSync(join(workDir, "zz_offline_override.tf.json"), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
  return workDir;
}

/**
 * terraform init (providers from the mirror) and validate, in a workspace made by offlineWorkspace. A plan checks
 * the configuration too; `validate: false` saves the separate pass where a test plans the same configuration again.
 */
export function initOffline(workDir: string, options: { validate?: boolean } = {}): void {
  const plugins = pluginDir();
  // -reconfigure: a .terraform folder left by another backend (an older version of this tool) holds no state worth keeping.
  try {
    terraform(workDir, ["init", "-input=false", "-no-color", "-reconfigure", ...(plugins ? [`-plugin-dir=${plugins}`] : [])]);
  } catch (error) {
    throw new OfflineTerraformError(`${installHint(plugins)}\n${(error as Error).message}`);
  }
  if (options.validate !== false) terraform(workDir, ["validate", "-no-color"]);
}

/** What to do when init cannot install the provider, said for the way it was asked to. */
export function installHint(plugins: string | undefined): string {
  const wanted = `${AWS_PROVIDER.source} ${AWS_PROVIDER.version}`;
  return plugins
    ? `terraform init could not install ${wanted} from TF_PLUGIN_DIR=${plugins} (a folder laid out as registry.terraform.io/hashicorp/aws/${AWS_PROVIDER.version}/<os>_<arch>/…); fix the folder, or unset TF_PLUGIN_DIR to use Terraform's own configuration.`
    : `terraform init could not install ${wanted} with this machine's Terraform configuration (the public registry, or the provider_installation block of TF_CLI_CONFIG_FILE or ~/.terraformrc); configure a mirror there, or set TF_PLUGIN_DIR to a folder holding the provider.`;
}

/** A saved plan (plan.bin) plus its text and its JSON form. */
export function planOffline(stackDir: string, variables: Record<string, string> = {}, extraArgs: readonly string[] = []): { text: string; json: PlanJson } {
  const env = Object.fromEntries(Object.entries(variables).map(([name, value]) => [`TF_VAR_${name}`, value]));
  const plan = terraform(stackDir, ["plan", "-input=false", "-lock=false", "-no-color", "-out=plan.bin", ...extraArgs], env);
  const json = JSON.parse(terraform(stackDir, ["show", "-json", "plan.bin"]).stdout) as PlanJson;
  return { text: plan.stdout + plan.stderr, json };
}

export interface PlanJson {
  readonly resource_changes: {
    address: string;
    type: string;
    change: { actions: string[]; after: Record<string, unknown>; after_unknown?: Record<string, unknown> };
  }[];
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
