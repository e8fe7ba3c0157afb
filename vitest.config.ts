import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Terraform tests are heavy on two cores: one file at a time keeps timings honest.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
