import { beforeAll, describe, expect, it } from "vitest";
import { cloneAndSynth, differences, editWorker, filesUnder } from "../support/cloneAndSynth.js";
import { SYNTH_BUDGET_MS } from "../support/testBudgets.js";

describe("synthesis is deterministic", { timeout: SYNTH_BUDGET_MS }, () => {
  let first: Record<string, Buffer>;
  let second: Record<string, Buffer>;
  beforeAll(() => {
    first = filesUnder(cloneAndSynth());
    second = filesUnder(cloneAndSynth());
  }, SYNTH_BUDGET_MS);

  it("gives byte-identical cdk.tf.json and asset zips in two clones in different folders", () => {
    const interesting = Object.keys(first).filter((path) => path.endsWith("cdk.tf.json") || path.endsWith(".zip"));
    expect(interesting.filter((path) => path.endsWith(".zip")).length).toBe(6); // edge + worker + layer, dev + prod
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    for (const path of interesting) expect(second[path]!.equals(first[path]!), path).toBe(true);
  });

  it("a changed worker changes only the worker's zip, nothing else", () => {
    const changed = filesUnder(cloneAndSynth(editWorker));
    const before = JSON.parse(first["stacks/dooray-gpt-dev/cdk.tf.json"]!.toString()) as unknown;
    const after = JSON.parse(changed["stacks/dooray-gpt-dev/cdk.tf.json"]!.toString()) as unknown;
    // The hash is Terraform's filebase64sha256 of the zip, so it differs in the plan, not in cdk.tf.json: the JSON
    // is identical and only the zip's bytes changed.
    expect(differences(before, after)).toEqual([]);
    const changedFiles = Object.keys(first).filter((path) => !changed[path]!.equals(first[path]!));
    expect(changedFiles).toHaveLength(2); // dev and prod
    for (const path of changedFiles) expect(path).toMatch(/^stacks\/dooray-gpt-(dev|prod)\/assets\/worker_handler_\w+\/current\/handler\.zip$/);
  });
});
