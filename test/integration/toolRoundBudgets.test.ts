import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toolMessages } from "../../handler/dooray/toolMessages.js";
import { SAMPLE_PROJECT_ID, SAMPLE_TOKEN, SAMPLE_WIKI_ID, startSampleDoorayApi, type SampleDoorayApi } from "../../handler/dev/sampleDoorayApi.js";
import { CHANNEL_ID, finalPosts, startHarness, type Harness } from "../support/harness.js";

/**
 * A question whose tool rounds the day's budget cannot all hold answers from what it has read, in one last call
 * without tools, instead of spending the budget for nothing (docs/architecture.md, "Dooray tools").
 */
const SCOPE = { projects: [SAMPLE_PROJECT_ID], wikis: [SAMPLE_WIKI_ID] };
const CALL = '[[call:read_task:{"taskId":"3570526358279082001"}]]';
const QUESTION = `배포 준비 상황을 정리해줘 ${CALL} ${CALL} ${CALL}`;

type Line = Record<string, unknown> & { event: string };
const lines = (h: Harness) => h.logs.map((line) => JSON.parse(line) as Line);

describe("tool rounds within the day's budget", () => {
  let api: SampleDoorayApi;
  let held: number[];
  beforeAll(async () => {
    api = await startSampleDoorayApi();
    // What each call of this question holds, measured in a channel with no limit.
    const probe = await startHarness({
      CHANNEL_PROFILES: JSON.stringify({ [CHANNEL_ID]: { name: "플랫폼", dooray: SCOPE } }),
      DOORAY_API_URL: api.url,
      DOORAY_API_TOKEN: SAMPLE_TOKEN,
    });
    try {
      await probe.command(QUESTION);
      await probe.dev.idle();
      held = lines(probe)
        .filter((line) => line.event === "job.callHeld")
        .map((line) => Number(line.reservedTokens));
    } finally {
      await probe.close();
    }
  });
  afterAll(() => api?.close());

  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dev.idle();
    await h?.close();
    h = undefined;
  });
  const withChannelLimit = async (channelDailyTokens: number) => {
    h = await startHarness({
      CHANNEL_PROFILES: JSON.stringify({ [CHANNEL_ID]: { name: "플랫폼", dooray: SCOPE, budgets: { channelDailyTokens } } }),
      DOORAY_API_URL: api.url,
      DOORAY_API_TOKEN: SAMPLE_TOKEN,
    });
    return h;
  };
  const channelTokens = async (harness: Harness) => Number(/이 채널: ([\d,]+)/.exec((await harness.command("사용량")).body.text)![1]!.replace(/,/g, ""));

  it("measured four calls: three that may ask for tools, and the last", () => {
    expect(held).toHaveLength(4);
  });

  it("a budget that holds the first rounds but not the third answers from what was read, in one last call without tools, and stays within the day", async () => {
    const limit = held[0]! + held[1]! + Math.floor(held[2]! * 0.6);
    const harness = await withChannelLimit(limit);
    const before = harness.model.requests.length;
    const sent = await harness.command(QUESTION);
    await harness.dev.idle();
    const final = finalPosts(harness.dooray.postsFor(sent.hookId))
      .map((post) => post.body.text)
      .join("\n");
    // Two rounds with tools, then the last call with none: an answer, not a refusal.
    expect(harness.model.requests.slice(before).map((request) => (request.body.tools ?? []).length)).toEqual([4, 4, 0]);
    expect(final).toContain("답변: ");
    expect(final).toMatch(/ℹ️ 오늘 남은 사용 한도에 맞춰 더 찾지 않고/);
    expect(lines(harness).find((line) => line.event === "job.lastCallWithinBudget")).toMatchObject({ round: 2 });
    expect(lines(harness).findLast((line) => line.event === "job.finished")).toMatchObject({ outcome: "answered" });
    // The last call's answer is capped to what was left: the day's total never passes the limit.
    expect(await channelTokens(harness)).toBeLessThanOrEqual(limit);
  });

  it("a budget that cannot hold even a last call says, in words, what the tools did before the refusal", async () => {
    const harness = await withChannelLimit(held[0]! + 100);
    const sent = await harness.command(QUESTION);
    await harness.dev.idle();
    const final = finalPosts(harness.dooray.postsFor(sent.hookId))
      .map((post) => post.body.text)
      .join("\n");
    expect(final).toContain(toolMessages.refusedAfterTools(1));
    expect(lines(harness).findLast((line) => line.event === "job.finished")).toMatchObject({ outcome: "refusedByBudget" });
    expect(await channelTokens(harness)).toBeLessThanOrEqual(held[0]! + 100);
  });
});
