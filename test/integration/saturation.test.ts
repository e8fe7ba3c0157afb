import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { API_KEY, finalPosts, startHarness, type Harness } from "../support/harness.js";

/**
 * Every worker busy: the edge still answers at once, and every accepted question ends in exactly one final
 * message, the answer or the busy message (the local server plays Lambda's concurrency and maximum event age).
 */
describe("when every worker is busy", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WORKER_CONCURRENCY: "2", MAX_EVENT_AGE_SECONDS: "2", PROGRESS_INTERVAL_MS: "5000" }, { apiKey: API_KEY, delayMs: 3_000 });
  });
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  it("acknowledges all 10 at once, answers 2, tells the other 8 that it was busy, each exactly once", async () => {
    const sent = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const started = performance.now();
        const answer = await h.command(`질문 ${i}`);
        return { ...answer, ackMs: performance.now() - started, text: `질문 ${i}` };
      }),
    );
    for (const answer of sent) {
      expect(answer.status).toBe(200);
      expect(answer.body.text).toBe(messages.ack);
      expect(answer.ackMs).toBeLessThan(1_000);
    }
    // While both workers are busy, help and refusals are still immediate.
    const started = performance.now();
    const help = await h.command("help");
    expect(help.body.text).toBe(messages.help);
    expect((await h.command("질문", { appToken: "wrong" })).status).toBe(401);
    expect(performance.now() - started).toBeLessThan(1_000);

    await h.dev.idle();
    const finals = sent.map(({ hookId, text }) => ({ text, posts: finalPosts(h.dooray.postsFor(hookId)) }));
    for (const { posts } of finals) expect(posts).toHaveLength(1);
    const answered = finals.filter(({ text, posts }) => posts[0]!.body.text === `답변: ${text}`);
    const busy = finals.filter(({ posts }) => posts[0]!.body.text === messages.busy);
    expect(answered).toHaveLength(2);
    expect(busy).toHaveLength(8);
    for (const { posts } of busy) expect(posts[0]!.body).toMatchObject({ responseType: "ephemeral", replaceOriginal: true });

    const finished = h.logs
      .map((line) => JSON.parse(line) as { event: string; outcome?: string; condition?: string })
      .filter((entry) => entry.event === "job.finished");
    expect(finished.filter((entry) => entry.outcome === "answered")).toHaveLength(2);
    expect(finished.filter((entry) => entry.outcome === "busy" && entry.condition === "EventAgeExceeded")).toHaveLength(8);
  }, 20_000);
});
