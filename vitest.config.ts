import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: two files at a time. The slow ones (terraform, cdktf-cli, clones) then overlap with the fast ones.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
