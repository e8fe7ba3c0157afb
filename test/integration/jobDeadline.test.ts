import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../support/listen.js";
import { startHarness, type Harness } from "../support/harness.js";

/** A responseUrl that never answers must not outlive the worker: its closing log line is always written. */
describe("a job against a hanging responseUrl", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WORKER_TIMEOUT_SECONDS: "3" });
  });
  afterAll(() => h.close());

  it("finishes within the worker's time, logging job.finished with the delivery error; the worker is never stopped", async () => {
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    h.dooray.hang(hookId);
    const started = Date.now();
    const response = await h.send({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload(responseUrl)) });
    expect(response.status).toBe(200);
    let finished: Record<string, unknown> | undefined;
    while (!finished && Date.now() - started < 6_000) {
      finished = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.event === "job.finished");
      await sleep(20);
    }
    expect(finished).toMatchObject({ level: "error", outcome: "answered", postError: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(h.logs.some((line) => line.includes('"worker.timedOut"'))).toBe(false);
  }, 10_000);
});

function payload(responseUrl: string) {
  return { tenantId: "1", channelId: "2", userId: "3", command: "/gpt", text: "질문", responseUrl, appToken: "app-token-7f3c9a2e-1b4d-4c8e-9f60-2d5a7b8c9e01" };
}
