import type { TestProject } from "vitest/node";
import { probeTerraform } from "./support/terraformReady.js";

/**
 * Once per run, before any test file: whether the Terraform tests can run here. Skipped, `npm test` says why in one
 * line; with REQUIRE_TERRAFORM=1 (.ci/run, where its mirror exists) a missing piece fails the run instead.
 */
export default function setup(project: TestProject): void {
  const terraform = probeTerraform();
  if (!terraform.ready) {
    if (process.env.REQUIRE_TERRAFORM === "1") throw new Error(`REQUIRE_TERRAFORM=1, but ${terraform.reason}`);
    process.stderr.write(`Terraform tests skipped: ${terraform.reason}\n`);
  }
  project.provide("terraform", terraform);
}
