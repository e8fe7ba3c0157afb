import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { longAnswer } from "../support/fakeOpenAI.js";
import { API_KEY, finalPosts, startHarness, type Harness } from "../support/harness.js";

describe("a /gpt command, end to end through the local Function URL", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  it("acknowledges at once, then replaces the acknowledgement with the answer; Korean arrives intact", async () => {
    const question = "이번 주 배포 체크리스트 정리해줘 ✅ «quotes» \u00e9";
    const { status, body, hookId } = await h.command(question);
    expect(status).toBe(200);
    expect(body).toEqual({ responseType: "ephemeral", text: messages.ack });

    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    expect(posts.at(-1)!.body).toEqual({
      text: `답변: ${question}`,
      responseType: "ephemeral",
      replaceOriginal: true,
      attachments: [expect.objectContaining({ callbackId: "dooray-gpt-answer" })],
    });
    const modelRequest = h.model.requests.find((request) => request.body.messages.at(-1)?.content === question)!;
    expect(modelRequest.authorization).toBe(`Bearer ${API_KEY}`);
    expect(modelRequest.body).toMatchObject({ stream: true, model: "gpt-4.1-mini" });
    expect(modelRequest.body.messages[0]).toMatchObject({ role: "system" });
  });

  it("shows the answer growing on a slow stream, at most about once per interval, and ends with the full answer", async () => {
    const question = "천천히 [[gap:120]] 긴 답변을 스트리밍해 줘, 한 줄씩 보여 주면 좋겠어요. 배포 전에 확인할 것들을 순서대로 알려 주세요. 고마워요!";
    const { hookId } = await h.command(question);
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    const progress = posts.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const post of progress) expect(post.body.text.endsWith(messages.writingMarker)).toBe(true);
    // Each update is longer than the last and all of them replace the same message.
    const lengths = progress.map((post) => post.body.text.length);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(150);
    expect(posts.every((post) => post.body.replaceOriginal === true)).toBe(true);
    expect(posts.at(-1)!.body.text).toBe(`답변: ${question}`);
  });

  it.each(["", "   ", "help", "HELP", "도움말"])("answers %j with help at once, without a model call", async (text) => {
    const before = h.model.requests.length;
    const { status, body, hookId } = await h.command(text);
    expect(status).toBe(200);
    expect(body).toEqual({ responseType: "ephemeral", text: messages.help });
    await h.dev.idle();
    expect(h.model.requests.length).toBe(before);
    expect(h.dooray.postsFor(hookId)).toEqual([]);
  });

  it("splits a long answer on line breaks into numbered messages, in order, losing nothing", async () => {
    const { hookId } = await h.command("[[long:8000]] 길게");
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).some((post) => post.body.text.startsWith("(3/3)")));
    const finals = finalPosts(posts);
    expect(finals.map((post) => post.body.text.slice(0, 5))).toEqual(["(1/3)", "(2/3)", "(3/3)"]);
    expect(finals.map((post) => post.body.replaceOriginal)).toEqual([true, false, false]);
    const lines = finals.flatMap((post) => post.body.text.split("\n").slice(1));
    expect(lines).toEqual(longAnswer(8000).split("\n"));
    for (const post of posts) expect(post.body.text.length).toBeLessThanOrEqual(3000);
  });

  it("says the answer was cut off when the model stopped at its token limit", async () => {
    const { hookId } = await h.command("[[length]] 끝까지");
    const [post] = await h.dooray.waitFor(hookId, (found) => found.length === 1);
    expect(post!.body.text).toBe(`답변: [[length]] 끝까지\n\n${messages.cutOffNote}`);
  });

  it("answers an empty model reply with a message rather than nothing", async () => {
    const { hookId } = await h.command("[[empty]]");
    const [post] = await h.dooray.waitFor(hookId, (found) => found.length === 1);
    expect(post!.body.text).toBe(messages.emptyAnswer);
  });

  it("retries a failed post to Dooray (isSuccessful false twice) and delivers once", async () => {
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    h.dooray.failNext(hookId, 2);
    const response = await h.send({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload("재시도", responseUrl)) });
    expect(response.status).toBe(200);
    const posts = await h.dooray.waitFor(hookId, (found) => found.length === 1);
    expect(posts[0]!.body.text).toBe("답변: 재시도");
    await h.dev.idle();
    expect(h.dooray.postsFor(hookId)).toHaveLength(1);
    const finished = h.logs.map((line) => JSON.parse(line)).find((entry) => entry.event === "job.finished" && entry.postAttempts === 3);
    expect(finished).toMatchObject({ outcome: "answered", level: "info" });
  });

  it("logs a delivery that fails every attempt", async () => {
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    h.dooray.failNext(hookId, 10, "http500");
    await h.send({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload("전달 실패", responseUrl)) });
    await h.dev.idle();
    const entry = h.logs.map((line) => JSON.parse(line)).find((log) => log.event === "job.finished" && log.postError === "HTTP 500");
    expect(entry).toMatchObject({ level: "error", outcome: "answered", postAttempts: 4 });
  });

  it("answers many people at once, each at their own responseUrl, and a slow answer holds up no other", async () => {
    // The slow answer is held by the model until every quick one has landed: nobody waits behind it.
    const slow = await h.command("[[hold]] 느린 질문");
    const quick = await Promise.all(Array.from({ length: 40 }, (_, i) => h.command(`질문 ${i}번`)));
    expect(quick.every((answer) => answer.status === 200)).toBe(true);
    await Promise.all(quick.map(({ hookId }, i) => h.dooray.waitFor(hookId, (found) => found.some((post) => post.body.text === `답변: 질문 ${i}번`))));
    expect(finalPosts(h.dooray.postsFor(slow.hookId))).toEqual([]);

    h.model.release();

    const [slowAnswer] = finalPosts(await h.dooray.waitFor(slow.hookId, (found) => finalPosts(found).length === 1));
    expect(slowAnswer!.body.text).toBe("답변: [[hold]] 느린 질문");
    await h.dev.idle();
    for (const { hookId } of [...quick, slow]) expect(finalPosts(h.dooray.postsFor(hookId))).toHaveLength(1);
  });
});

function payload(text: string, responseUrl: string) {
  return {
    tenantId: "1",
    channelId: "2",
    userId: "3",
    command: "/gpt",
    text,
    responseUrl,
    appToken: "app-token-7f3c9a2e-1b4d-4c8e-9f60-2d5a7b8c9e01",
  };
}
