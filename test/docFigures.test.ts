import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildHandlerBundle, REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { synthApp } from "../stacks/main.js";
import { DEADLINE_MARGIN_MS } from "../handler/worker/runJob.js";
import { SYNTH_BUDGET_MS } from "./support/testBudgets.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
/** Every number a pattern finds in a document, or a failure naming the pattern when it finds none. */
const figures = (path: string, pattern: RegExp): number[] => {
  const found = [...read(path).matchAll(new RegExp(pattern, "g"))].map((match) => Number(match[1]!.replaceAll(",", "")));
  expect(found.length, `${path} states ${pattern}`).toBeGreaterThan(0);
  return found;
};

/** A number in the docs comes from one source: the code or what it builds. These keep the two in line. */
describe("figures in the docs", { timeout: SYNTH_BUDGET_MS }, () => {
  it("the resources a deploy creates are the sample stack's, as synthesized", () => {
    const outdir = mkdtempSync(join(tmpdir(), "dooray-gpt-figures-"));
    synthApp(outdir);
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", "dooray-gpt-prod", "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
    const count = Object.values(stack.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    expect(figures("docs/operations.md", /It creates (\d+) resources/)).toEqual([count]);
    expect(figures("README.md", /showing (\d+) resources/)).toEqual([count]);
  });

  it("the time the model gets is the worker's remaining time minus the deadline margin", () => {
    for (const path of ["README.md", "docs/architecture.md"]) {
      for (const seconds of figures(path, /(?:gets|gets it) (?:the remaining time )?minus (\d+) s/)) expect(seconds, path).toBe(DEADLINE_MARGIN_MS / 1000);
    }
  });

  it("the edge bundle's size is what the build gives, within a tenth", () => {
    const kib = buildHandlerBundle("edge").code.length / 1024;
    for (const stated of figures("docs/architecture.md", /The edge bundle \(≈(\d+) KiB/)) {
      expect(Math.abs(stated - kib) / kib, `docs/architecture.md says ≈${stated} KiB, the build gives ${kib.toFixed(1)} KiB`).toBeLessThan(0.1);
    }
  });
});
