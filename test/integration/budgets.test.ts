import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_TIME_ZONE } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { budgetDay } from "../../handler/store/budgetDay.js";
import { reservationFor } from "../../handler/store/tokenEstimate.js";
import { usageOf } from "../support/fakeOpenAI.js";
import { API_KEY, finalPosts, startHarness, type Harness } from "../support/harness.js";

const SYSTEM_PROMPT = "짧게 답해 주세요.";
const MAX_OUTPUT = 100;
/** What one question holds back before its answer: the prompt's estimate plus the output ceiling. */
const reservation = (question: string) => reservationFor([SYSTEM_PROMPT, question], MAX_OUTPUT);
/** What the fake model reports for one question (one token a character), which the budget is settled to. */
const reported = (question: string) => usageOf([{ content: SYSTEM_PROMPT }, { content: question }], `답변: ${question}`).total_tokens;
const settings = { BOT_SYSTEM_PROMPT: SYSTEM_PROMPT, BOT_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT) };
const entries = (h: Harness) => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

/** Daily budgets and `/gpt usage`, through the local Function URL and its in-memory DynamoDB API. */
describe("daily budgets", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("answers within the budget, then the worker refuses the next question in the acknowledgement's place, naming the limit, with no model call", async () => {
    const question = "배포 체크리스트";
    h = await startHarness({ ...settings, BUDGET_USER_DAILY_TOKENS: String(reservation(question)) });
    const first = await h.command(question);
    await h.dooray.waitFor(first.hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();

    const second = await h.command(question);

    // The edge acknowledges with one round trip (the Invoke) and reads no budget; the worker's reservation refuses.
    expect(second).toMatchObject({ status: 200, body: { responseType: "ephemeral", text: messages.ack } });
    const [refusal] = finalPosts(await h.dooray.waitFor(second.hookId, (posts) => finalPosts(posts).length === 1));
    expect(refusal!.body).toMatchObject({
      replaceOriginal: true,
      text: messages.budgetExceeded(
        { scope: "user", limit: reservation(question), used: reported(question), needed: reservation(question) },
        DEFAULT_TIME_ZONE,
      ),
    });
    expect(refusal!.body.text).toContain("오늘 나의 사용 한도");
    expect(refusal!.body.text).toContain("0시(한국 시간)");
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(1);
    expect(h.dooray.postsFor(second.hookId)).toHaveLength(1);
    expect(entries(h).find((entry) => entry.event === "job.finished" && entry.outcome === "refusedByBudget")).toMatchObject({
      scope: "user",
      Outcome: "refusedByBudget",
      Questions: 1,
    });
    expect(entries(h).some((entry) => entry.event === "request.refusedByBudget")).toBe(false);
  });

  it("the whole bot's daily limit (BUDGET_TOTAL_DAILY_TOKENS) counts every person and channel, and refuses at the limit like the others", async () => {
    const question = "배포 체크리스트";
    h = await startHarness({ ...settings, BUDGET_TOTAL_DAILY_TOKENS: String(reservation(question) + 10) });
    const first = await h.command(question);
    await h.dooray.waitFor(first.hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();
    // Another person, in another channel: the bot's own row refuses.
    const second = await h.command(question, { userId: "4567891234567891234", channelId: "5678912345678912345" });
    const [refusal] = finalPosts(await h.dooray.waitFor(second.hookId, (posts) => finalPosts(posts).length === 1));
    expect(refusal!.body.text).toBe(
      messages.budgetExceeded(
        { scope: "total", limit: reservation(question) + 10, used: reported(question), needed: reservation(question) },
        DEFAULT_TIME_ZONE,
      ),
    );
    expect(refusal!.body.text).toContain("이 봇 전체의");
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(1);
    expect(entries(h).find((entry) => entry.event === "job.finished" && entry.outcome === "refusedByBudget")).toMatchObject({ scope: "total" });
    // `/gpt usage` shows the bot's line while it has a limit.
    const usage = await h.command("usage");
    expect(usage.body.text).toContain(
      `- 봇 전체: ${reported(question).toLocaleString("ko-KR")} / ${(reservation(question) + 10).toLocaleString("ko-KR")} 토큰`,
    );
  });

  it("counts 다시 생성 against the budgets: refused at once, in the answer's place, with no model call", async () => {
    const question = "배포 체크리스트";
    h = await startHarness({ ...settings, BUDGET_USER_DAILY_TOKENS: String(reservation(question)) });
    const first = await h.command(question);
    const [answer] = finalPosts(await h.dooray.waitFor(first.hookId, (posts) => finalPosts(posts).length === 1));
    await h.dev.idle();
    const regenerate = answer!.body.attachments![0]!.actions!.find((action) => action.name === "regenerate")!.value;

    const pressed = await h.press(regenerate, { responseUrl: h.dooray.newResponseUrl().responseUrl });

    expect(pressed).toEqual({
      status: 200,
      body: {
        responseType: "ephemeral",
        replaceOriginal: false,
        text: messages.budgetExceeded(
          { scope: "user", limit: reservation(question), used: reported(question), needed: reservation(question) },
          DEFAULT_TIME_ZONE,
        ),
      },
    });
    await h.dev.idle();
    expect(h.model.requests).toHaveLength(1);
    expect(entries(h).find((entry) => entry.event === "request.refusedByBudget")).toMatchObject({ kind: "regenerate", Outcome: "refusedByBudget" });
  });

  it("/gpt usage and /gpt 사용량 show today's use of the person and the channel, against their limits", async () => {
    h = await startHarness({ ...settings, BUDGET_USER_DAILY_TOKENS: "50000", BUDGET_CHANNEL_DAILY_TOKENS: "0" });
    for (const question of ["첫 질문", "두 번째 질문"]) {
      const { hookId } = await h.command(question);
      await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1);
    }
    await h.command("다른 채널의 질문", { channelId: "999" }).then(({ hookId }) => h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1));
    await h.dev.idle();

    const mine = reported("첫 질문") + reported("두 번째 질문");
    const usage = await h.command("usage");
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({
      responseType: "ephemeral",
      text: messages.usage({
        day: budgetDay(Date.now(), DEFAULT_TIME_ZONE),
        timeZone: DEFAULT_TIME_ZONE,
        user: { tokens: mine + reported("다른 채널의 질문"), answered: 3 },
        channel: { tokens: mine, answered: 2 },
        limits: { user: 50_000, channel: 0 },
        maxOutputTokens: MAX_OUTPUT,
      }),
    });
    expect(usage.body.text).toContain(`- 이 채널: ${mine} 토큰 (한도 없음) · 답변 2개`);
    expect((await h.command("사용량")).body).toEqual(usage.body);
    expect(h.model.requests).toHaveLength(3);
  });

  it("never overruns a channel budget that fits 5 of 20 concurrent questions; the rest are told, with no model call", async () => {
    // The model holds every answer until each question was reserved or refused: a settlement (which gives back what
    // an answer did not use) can then free no room before the last reservation, whatever the machine's speed.
    const question = "동시에 묻는 질문 [[hold]]";
    const limit = 5 * reservation(question);
    h = await startHarness({ ...settings, BUDGET_CHANNEL_DAILY_TOKENS: String(limit), WORKER_CONCURRENCY: "20" }, { apiKey: API_KEY });

    const sent = await Promise.all(Array.from({ length: 20 }, (_, index) => h.command(question, { userId: `user-${index}` })));
    const refusedSoFar = () =>
      sent.filter(({ hookId }) => finalPosts(h.dooray.postsFor(hookId)).some((post) => post.body.text.startsWith("오늘 이 채널의 사용 한도"))).length;
    for (const until = Date.now() + 20_000; refusedSoFar() + h.model.requests.length < 20; await new Promise((resolve) => setTimeout(resolve, 20))) {
      if (Date.now() > until) throw new Error(`after 20 s, ${refusedSoFar()} refused and ${h.model.requests.length} asked of 20`);
    }
    h.model.release();
    await h.dev.idle();

    const finals = sent.map(({ hookId }) => finalPosts(h.dooray.postsFor(hookId)).map((post) => post.body.text));
    expect(finals.every((texts) => texts.length === 1)).toBe(true);
    const answered = finals.filter(([text]) => text === `답변: ${question}`);
    const refused = finals.filter(([text]) => text!.startsWith("오늘 이 채널의 사용 한도") && text!.includes(limit.toLocaleString("ko-KR")));
    expect(answered).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(h.model.requests).toHaveLength(5);
    const usage = await h.command("usage", { userId: "user-0" });
    expect(usage.body.text).toContain(`- 이 채널: ${(5 * reported(question)).toLocaleString("ko-KR")} / `);
  });

  it("never lets the endpoint's count pass a person's limit, however dense the text (the review's 8,370 / 8,000)", async () => {
    // Spaced digits: two bytes a character, and (as with real tokenizers for dense text) the fake endpoint counts a
    // token for every character, far above the old bytes ÷ 3 guess. Its answers also ignore the output ceiling.
    const dense = (seed: number) => Array.from({ length: 1_950 }, (_, index) => String((index * 7 + seed) % 10)).join(" ");
    h = await startHarness({ BUDGET_USER_DAILY_TOKENS: "8000", BOT_MAX_OUTPUT_TOKENS: "2000", WORKER_CONCURRENCY: "3" }, { apiKey: API_KEY, delayMs: 200 });

    const sent = await Promise.all([1, 2, 3].map((seed) => h.command(dense(seed))));
    await h.dev.idle();

    const usage = await h.command("usage");
    const used = Number(/- 나: ([\d,]+) \/ 8,000 토큰/.exec(usage.body.text)![1]!.replaceAll(",", ""));
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(8_000);
    // A question that cannot fit is refused before the model is called.
    expect(h.model.requests.length).toBe(
      sent.filter(({ hookId }) => finalPosts(h.dooray.postsFor(hookId)).some((post) => post.body.text.includes("답변:"))).length,
    );
  });

  it("settles on the endpoint's reported usage, and logs tokens, cost and timings as metrics", async () => {
    h = await startHarness({ ...settings, MODEL_PRICE_INPUT_PER_MTOK: "1", MODEL_PRICE_OUTPUT_PER_MTOK: "2" });
    const question = "지표 질문";
    const { hookId } = await h.command(question);
    await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();

    const usage = usageOf([{ content: SYSTEM_PROMPT }, { content: question }], `답변: ${question}`);
    const finished = entries(h).find((entry) => entry.event === "job.finished")!;
    expect(h.model.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(finished).toMatchObject({
      outcome: "answered",
      usageReported: true,
      usedTokens: usage.total_tokens,
      Environment: "local",
      Outcome: "answered",
      Questions: 1,
      InputTokens: usage.prompt_tokens,
      OutputTokens: usage.completion_tokens,
      EstimatedCostUSD: (usage.prompt_tokens * 1 + usage.completion_tokens * 2) / 1_000_000,
    });
    expect(finished.TimeToFirstTokenMs).toEqual(expect.any(Number));
    expect(finished.ModelLatencyMs).toEqual(expect.any(Number));
    const directives = (finished._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
    expect(directives).toEqual([
      { Namespace: "DoorayGpt", Dimensions: [["Environment", "Outcome"]], Metrics: [{ Name: "Questions", Unit: "Count" }] },
      {
        Namespace: "DoorayGpt",
        Dimensions: [["Environment"]],
        Metrics: ["InputTokens", "CachedInputTokens", "OutputTokens", "EstimatedCostUSD", "TimeToFirstTokenMs", "ModelLatencyMs"].map((name) =>
          expect.objectContaining({ Name: name }),
        ),
      },
    ]);
  });

  it("does not ask for usage with MODEL_STREAM_USAGE=0 (endpoints that refuse the option), and settles on an estimate", async () => {
    h = await startHarness({ ...settings, MODEL_STREAM_USAGE: "0" });
    const { hookId } = await h.command("옵션 없이");
    await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();
    expect(h.model.requests[0]!.body.stream_options).toBeUndefined();
    expect(entries(h).find((entry) => entry.event === "job.finished")).toMatchObject({
      outcome: "answered",
      usageReported: false,
      usedTokens: expect.any(Number),
    });
  });

  it("settles on an estimate when the endpoint reports no usage, and gives a failed call's reservation back", async () => {
    h = await startHarness({ ...settings, BUDGET_USER_DAILY_TOKENS: "100000" }, { apiKey: API_KEY, reportsUsage: false });
    const answered = await h.command("추정 질문");
    await h.dooray.waitFor(answered.hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();
    const failed = await h.command("실패할 질문 [[status:500]]");
    await h.dooray.waitFor(failed.hookId, (posts) => finalPosts(posts).length === 1);
    await h.dev.idle();

    const [first, second] = entries(h).filter((entry) => entry.event === "job.finished");
    expect(first).toMatchObject({ outcome: "answered", usageReported: false });
    expect(first!.usedTokens).toBeGreaterThan(0);
    expect(second).toMatchObject({ outcome: "modelFailed", usedTokens: 0, Outcome: "modelFailed" });
    expect((await h.command("usage")).body.text).toContain(`- 나: ${first!.usedTokens} / 100,000 토큰`);
  });
});
