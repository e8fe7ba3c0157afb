import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";
import { startHarness, type Harness } from "../support/harness.js";

/** A responseUrl that never answers must not outlive the worker: its closing log line is always written. */
describe("a job against a hanging responseUrl", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WORKER_TIMEOUT_SECONDS: "3" });
  });
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  it(
    "finishes within the worker's time, logging job.finished with the delivery error; the worker is never stopped",
    async () => {
      const { hookId, responseUrl } = h.dooray.newResponseUrl();
      h.dooray.hang(hookId);
      const response = await h.send({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload(responseUrl)) });
      expect(response.status).toBe(200);

      // Idle once the run ended, by itself or stopped at its 3 s (then the on-failure path ran too).
      await h.dev.idle();

      const finished = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === "job.finished");
      expect(finished).toHaveLength(1);
      expect(finished[0]).toMatchObject({ level: "error", outcome: "answered", postError: expect.any(String) });
      expect(h.logs.some((line) => line.includes('"worker.timedOut"'))).toBe(false);
    },
    PROCESS_BUDGET_MS,
  );
});

function payload(responseUrl: string) {
  return { tenantId: "1", channelId: "2", userId: "3", command: "/gpt", text: "질문", responseUrl, appToken: "app-token-7f3c9a2e-1b4d-4c8e-9f60-2d5a7b8c9e01" };
}
