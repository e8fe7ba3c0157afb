import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { AWS_PROVIDER, installHint, pluginDir, terraformAvailable } from "../../stacks/ops/offlineTerraform.js";

/** Whether the Terraform tests can run here, and in one line why not. */
export type TerraformReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    terraform: TerraformReadiness;
  }
}

/** How long the probe's `terraform init` may take with the machine's own configuration (a registry download). */
const PROBE_TIMEOUT_MS = 180_000;

/**
 * Terraform on PATH, and the AWS provider installable the way the tools will install it: from TF_PLUGIN_DIR when it
 * is set, else with Terraform's own configuration (the public registry, or a mirror its CLI configuration names),
 * tried once with a real `terraform init` of a configuration that needs only the provider.
 */
export function probeTerraform(env: NodeJS.ProcessEnv = process.env): TerraformReadiness {
  if (!terraformAvailable()) return { ready: false, reason: "terraform is not on PATH" };
  const plugins = pluginDir(env);
  if (plugins) {
    const held = join(plugins, "registry.terraform.io", AWS_PROVIDER.source, AWS_PROVIDER.version);
    return existsSync(held) ? { ready: true } : { ready: false, reason: `TF_PLUGIN_DIR=${plugins} holds no ${AWS_PROVIDER.source} ${AWS_PROVIDER.version}` };
  }
  const dir = mkdtempSync(join(tmpdir(), "terraform-probe-"));
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { aws: { source: AWS_PROVIDER.source, version: AWS_PROVIDER.version } } } }),
  );
  const init = spawnSync("terraform", ["init", "-input=false", "-no-color", "-backend=false"], {
    cwd: dir,
    env: { ...env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    timeout: PROBE_TIMEOUT_MS,
  });
  if (init.status === 0) return { ready: true };
  return { ready: false, reason: installHint(undefined).replace(/; configure a mirror there.*$/, "") };
}

/** The probe's answer for this run (made once, in test/globalSetup.ts). */
export function terraformReadiness(): TerraformReadiness {
  return inject("terraform");
}
