import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildHandlerBundle, REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { synthApp } from "../stacks/main.js";
import { DEADLINE_MARGIN_MS } from "../handler/worker/runJob.js";
import { MAX_SCOPED_IDS } from "../handler/channelProfiles.js";
import { TASK_BODY_MAX_CHARS, TASK_TITLE_MAX_CHARS } from "../handler/dooray/openDialog.js";
import { MEMBERSHIP_MAX_AGE_MS } from "../handler/tools/askerAccess.js";
import { RECENT_TASK_MINUTES } from "../handler/worker/createTask.js";
import { MAX_BODY_CHARS, MAX_COMMENTS, MAX_SEARCH_RESULTS, MAX_TOOL_RESULT_CHARS, RECENT_TASKS_SCANNED } from "../handler/tools/doorayTools.js";
import { DOORAY_CALL_TIMEOUT_MS, DOORAY_MAX_ATTEMPTS } from "../handler/tools/doorayRest.js";
import { MAX_CALLS_PER_ROUND, MAX_JOB_TOOL_RESULT_BYTES, MAX_SOURCES, MAX_TOOL_ROUNDS, MIN_LAST_ANSWER_TOKENS } from "../handler/worker/toolRounds.js";
import { SYNTH_BUDGET_MS } from "./support/testBudgets.js";
import { alarmSpecs } from "../stacks/BotAlarms.js";
import { MAX_MODEL_ENDPOINTS } from "../handler/model/endpoints.js";
import { ATTEMPT_START_TIMEOUT_MS } from "../handler/model/askEndpoints.js";
import { COOLDOWN_DEFAULT_SECONDS, COOLDOWN_MAX_SECONDS, COOLDOWN_MIN_SECONDS, COOLDOWN_MISCONFIGURED_SECONDS } from "../handler/model/failover.js";
import { COOLDOWN_CACHE_MS } from "../handler/store/endpointCooldowns.js";

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
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", "dooray-gpt-prod", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, unknown>>;
    };
    const count = Object.values(stack.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    expect(figures("docs/operations.md", /It creates (\d+) resources/)).toEqual([count]);
    expect(figures("README.md", /showing (\d+) resources/)).toEqual([count]);
  });

  it("the time the model gets is the worker's remaining time minus the deadline margin", () => {
    for (const path of ["docs/configuration.md", "docs/architecture.md"]) {
      for (const seconds of figures(path, /(?:gets|gets it) (?:the remaining time )?minus (\d+) s/)) expect(seconds, path).toBe(DEADLINE_MARGIN_MS / 1000);
    }
  });

  it("the Dooray tools' limits are the code's", () => {
    const doc = "docs/architecture.md";
    const stated: [RegExp, number][] = [
      [/at most (\d+) projects and \d+ wikis/, MAX_SCOPED_IDS],
      [/newest first, at most (\d+) \|/, MAX_SEARCH_RESULTS],
      [/and the (\d+) most recently updated/, RECENT_TASKS_SCANNED],
      [/its body \(first ([\d,]+) characters\)/, MAX_BODY_CHARS],
      [/and its (\d+) latest comments/, MAX_COMMENTS],
      [/A tool result the model reads is at most ([\d,]+) characters/, MAX_TOOL_RESULT_CHARS],
      [/in at most (\d+) rounds/, MAX_TOOL_ROUNDS],
      [/at\s+most (\d+) calls a round/, MAX_CALLS_PER_ROUND],
      [/\((\d+) s a request at most\)/, DOORAY_CALL_TIMEOUT_MS / 1000],
      [/at most (\d+) tries/, DOORAY_MAX_ATTEMPTS],
      [/and up to (\d+) links/, MAX_SOURCES],
      [/the question \((\d+) characters at most\)/, TASK_TITLE_MAX_CHARS],
      [/the body from the answer \(([\d,]+) at most/, TASK_BODY_MAX_CHARS],
      [/Answers are kept per container for (\d+) minutes/, MEMBERSHIP_MAX_AGE_MS / 60_000],
      [/in that project in the last (\d+) minutes with exactly the same title/, RECENT_TASK_MINUTES],
      [/answer to the rest, at least (\d+) tokens/, MIN_LAST_ANSWER_TOKENS],
      [/add up to at most\s+([\d,]+) bytes of UTF-8/, MAX_JOB_TOOL_RESULT_BYTES],
    ];
    for (const [pattern, value] of stated) expect(figures(doc, pattern), String(pattern)).toEqual([value]);
  });

  it("the alarms are the stack's: without and with model endpoints", () => {
    const names = { prefix: "p", environment: "e", edgeName: "edge", workerName: "worker", deadLetterQueueName: "q", budgetRefusalsPer5Minutes: 1 };
    const without = alarmSpecs(names).length;
    const withEndpoints = alarmSpecs({ ...names, modelEndpoints: 2 }).length;
    for (const path of ["README.md", "docs/configuration.md"]) for (const stated of figures(path, /(\d+) alarms/)) expect(stated, path).toBe(without);
    expect(figures("README.md", /\((\d+) with `modelEndpoints`\)/)).toEqual([withEndpoints]);
    expect(figures("docs/operations.md", /`stacks\/BotAlarms.ts`\): (\d+), and \d+ with/)).toEqual([without]);
    expect(figures("docs/operations.md", /`stacks\/BotAlarms.ts`\): \d+, and (\d+) with/)).toEqual([withEndpoints]);
    // One table row per alarm (the edge's two share a row).
    const section = read("docs/operations.md").split("## Alarms")[1]!.split("\n## ")[0]!;
    expect(section.match(/^\| `…-/gm)!.length).toBe(withEndpoints - 1);
  });

  it("the table floor architecture.md quotes is the one docs/benchmark.md's run shows", () => {
    const row = /worker table floor: a job's eight writes alone[^|]*\|\s*([\d.]+) \/ ([\d.]+) ms/.exec(read("docs/benchmark.md"))!;
    const first = /its first round alone[^|]*\|\s*[\d.]+ \/ ([\d.]+) ms/.exec(read("docs/benchmark.md"))!;
    expect(figures("docs/architecture.md", /they took a p50 of ([\d.]+) ms/)).toEqual([Number(row[1])]);
    expect(figures("docs/architecture.md", /and a p99 of ([\d.]+) ms in docs\/benchmark.md's run/)).toEqual([Number(row[2])]);
    expect(figures("docs/architecture.md", /model call\) a p99 of ([\d.]+) ms/)).toEqual([Number(first[1])]);
  });

  it("every document asks for the same Terraform", () => {
    const stated = ["README.md", "docs/operations.md", "docs/upgrades.md"].flatMap((path) => figures(path, /Terraform ≥ (\d+\.\d+)/));
    expect(new Set(stated)).toEqual(new Set([1.11]));
  });

  it("the model endpoints' limits are the code's", () => {
    const doc = "docs/operations.md";
    const stated: [RegExp, number][] = [
      [/At most (\d+) endpoints/, MAX_MODEL_ENDPOINTS],
      [/does not start answering within (\d+) s/, ATTEMPT_START_TIMEOUT_MS / 1000],
      [/Retry-After clamped to (\d+)–\d+ s/, COOLDOWN_MIN_SECONDS],
      [/Retry-After clamped to \d+–(\d+) s/, COOLDOWN_MAX_SECONDS],
      [/clamped to \d+–\d+ s, else (\d+) s/, COOLDOWN_DEFAULT_SECONDS],
      [/; (\d+) s for 401, 403, 404/, COOLDOWN_MISCONFIGURED_SECONDS],
      [/reuses what it read for (\d+) s/, COOLDOWN_CACHE_MS / 1000],
    ];
    for (const [pattern, value] of stated) expect(figures(doc, pattern), String(pattern)).toEqual([value]);
  });

  it("the edge bundle's size is what the build gives, within a tenth", () => {
    const kib = buildHandlerBundle("edge").code.length / 1024;
    for (const stated of figures("docs/architecture.md", /the edge bundle \(≈(\d+) KiB/i)) {
      expect(Math.abs(stated - kib) / kib, `docs/architecture.md says ≈${stated} KiB, the build gives ${kib.toFixed(1)} KiB`).toBeLessThan(0.1);
    }
  });
});

describe("the settings' reference", () => {
  it("docs/configuration.md names every setting the schema declares", async () => {
    const { ENVIRONMENT_SETTINGS } = await import("../stacks/settingsSchema.js");
    const doc = read("docs/configuration.md");
    const missing = Object.keys(ENVIRONMENT_SETTINGS).filter((key) => !doc.includes(`\`${key}`));
    expect(missing).toEqual([]);
  });
});
