import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The suite runs on the repository's sample settings, whatever a fork keeps in environments/ (docs/operations.md,
 * "Your own settings"): they go to a file of their own, named by DOORAY_GPT_SETTINGS, which every synth, plan,
 * secret and forget of the tests reads first. A fork's CI stays green with its own environments beside it.
 */
const sample = (JSON.parse(readFileSync(join(import.meta.dirname, "cdktf.json"), "utf8")) as { context: { environments: unknown } }).context.environments;
const sampleSettings = join(mkdtempSync(join(tmpdir(), "dooray-gpt-sample-settings-")), "environments.json");
writeFileSync(sampleSettings, JSON.stringify(sample));

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: two files at a time. The slow ones (terraform, cdktf-cli, clones) then overlap with the fast ones.
    fileParallelism: true,
    maxWorkers: 2,
    env: { DOORAY_GPT_SETTINGS: sampleSettings },
  },
});
