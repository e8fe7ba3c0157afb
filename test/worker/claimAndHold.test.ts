import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { secretsFor } from "../../handler/secrets.js";
import { readUsage } from "../../handler/store/budgets.js";
import { budgetDay } from "../../handler/store/budgetDay.js";
import { PARTITION_KEY, usageKey, type UsageScope } from "../../handler/store/tableKeys.js";
import type { TableRef } from "../../handler/store/tableRef.js";
import { reservationFor } from "../../handler/store/tokenEstimate.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { startFakeOpenAI, usageOf, type FakeOpenAI } from "../support/fakeOpenAI.js";
import { finalPosts } from "../support/harness.js";

const TOKEN = "claim-and-hold-token-5b7d9f1a";
const SYSTEM_PROMPT = "짧게 답해 주세요.";

/**
 * A job's hold on the budgets goes out beside its claim, not after it; a second delivery of the job (another
 * container) places the same hold, so only the claim's holder settles it or gives it back.
 */
describe("the claim and the hold, side by side", () => {
  let dooray: DoorayReceiver;
  let model: FakeOpenAI;
  let table: LocalTable;
  beforeAll(async () => {
    [dooray, model, table] = await Promise.all([startDoorayReceiver(), startFakeOpenAI(), startLocalTable()]);
  });
  afterAll(() => Promise.all([dooray.close(), model.close(), table.close()]));

  /** runJob from a fresh module graph: a container of its own, with its own record of the jobs it has seen. */
  const container = async () => {
    vi.resetModules();
    return (await import("../../handler/worker/runJob.js")).runJob;
  };
  const configWith = (limits: { user: number; channel: number }) =>
    readConfig({
      DOORAY_APP_TOKEN: TOKEN,
      OPENAI_API_KEY: "sk-x",
      OPENAI_BASE_URL: model.baseUrl,
      RESPONSE_URL_HOSTS: "127.0.0.1",
      ALLOW_INSECURE_RESPONSE_URL: "1",
      BOT_SYSTEM_PROMPT: SYSTEM_PROMPT,
      BUDGET_USER_DAILY_TOKENS: String(limits.user),
      BUDGET_CHANNEL_DAILY_TOKENS: String(limits.channel),
    });
  const depsFor = (config: ReturnType<typeof configWith>, ref: TableRef, deliveryId: string) => ({
    config,
    secrets: secretsFor(config, () => Promise.reject(new Error("local"))),
    log: createLogger(() => undefined),
    now: Date.now,
    remainingMs: () => 30_000,
    table: ref,
    deliveryId,
  });
  const jobFor = (channelId: string, text: string) => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    return {
      hookId,
      owner: { tenantId: "1", channelId, userId: `person-${channelId}` },
      signed: signJob(newJob({ tenantId: "1", channelId, userId: `person-${channelId}`, text, responseUrl }, Date.now()), TOKEN),
    };
  };
  const today = (config: ReturnType<typeof configWith>) => budgetDay(Date.now(), config.budgetTimeZone, config.budgetUtcOffsetMinutes);
  /** What earlier answers today already counted on one row. */
  const counted = (config: ReturnType<typeof configWith>, scope: UsageScope, owner: { tenantId: string; channelId: string; userId: string }, tokens: number) =>
    table.call("UpdateItem", {
      TableName: table.table,
      Key: { [PARTITION_KEY]: { S: usageKey(scope, owner.tenantId, scope === "user" ? owner.userId : owner.channelId, today(config)) } },
      UpdateExpression: "ADD tokens :tokens",
      ExpressionAttributeValues: { ":tokens": { N: String(tokens) } },
    });
  const needed = (config: ReturnType<typeof configWith>, question: string) => reservationFor([SYSTEM_PROMPT, question], config.maxOutputTokens);
  /** The holds still placed on the person's and the channel's rows. */
  const holdsLeft = async (config: ReturnType<typeof configWith>, owner: { tenantId: string; channelId: string; userId: string }) => {
    const rows = await Promise.all(
      (["user", "channel"] as const).map((scope) =>
        table.call("GetItem", {
          TableName: table.table,
          Key: { [PARTITION_KEY]: { S: usageKey(scope, owner.tenantId, scope === "user" ? owner.userId : owner.channelId, today(config)) } },
          ConsistentRead: true,
        }),
      ),
    );
    return rows.flatMap((row) => Object.keys((row.Item as Record<string, unknown> | undefined) ?? {}).filter((name) => name.startsWith("hold#")));
  };

  it("places both holds before the claim is answered, and answers once the claim and the holds succeed", async () => {
    const config = configWith({ user: 1_000_000, channel: 1_000_000 });
    const { hookId, signed } = jobFor("71", "배포 체크리스트");
    // The table answers the claim only once both hold writes have arrived: a worker that waited for its claim
    // before placing its hold would never get it (and the test names that, rather than timing out).
    const arrived: string[] = [];
    let holdsSeen: () => void = () => undefined;
    const bothHolds = new Promise<"holds">((resolve) => (holdsSeen = () => resolve("holds")));
    const ref: TableRef = {
      table: table.table,
      call: async (action, input, within) => {
        const isHold =
          action === "UpdateItem" &&
          JSON.stringify(input).includes("hold#") &&
          String((input as { UpdateExpression?: string }).UpdateExpression).startsWith("ADD tokens :tokens SET");
        const isClaim = action === "PutItem" && JSON.stringify(input).includes('"job#');
        if (isHold) arrived.push("hold");
        if (arrived.filter((name) => name === "hold").length === 2) holdsSeen();
        if (isClaim) arrived.push(`claim released by ${await Promise.race([bothHolds, new Promise((resolve) => setTimeout(resolve, 5_000, "a 5 s wait"))])}`);
        return table.call(action, input, within);
      },
    };

    await (await container())(signed, depsFor(config, ref, "delivery-a"));

    expect(arrived).toEqual(["hold", "hold", "claim released by holds"]);
    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual(["답변: 배포 체크리스트"]);
  });

  it("two deliveries of one job at once, in two containers: one answer, one model call, the hold settled once", async () => {
    const question = "이번 주 배포 체크리스트 정리해줘";
    const config = configWith({ user: 1_000_000, channel: 1_000_000 });
    const { hookId, owner, signed } = jobFor("72", question);
    const [first, second] = [await container(), await container()];
    const calls = model.requests.length;

    await Promise.all([first(signed, depsFor(config, table, "delivery-a")), second(signed, depsFor(config, table, "delivery-b"))]);

    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual([`답변: ${question}`]);
    expect(model.requests.length - calls).toBe(1);
    // Settled to what the endpoint reported, on both rows; no hold left behind by either delivery.
    const used = usageOf([{ content: SYSTEM_PROMPT }, { content: question }], `답변: ${question}`).total_tokens;
    expect(await readUsage(table, owner, today(config))).toEqual({ user: { tokens: used, answered: 1 }, channel: { tokens: used, answered: 1 } });
    expect(await holdsLeft(config, owner)).toEqual([]);
  });

  it("two deliveries of a question the channel's budget refuses: one refusal, no model call, nothing held, nothing more counted", async () => {
    const question = "채널 한도에 걸리는 질문";
    const probe = configWith({ user: 0, channel: 0 });
    const config = configWith({ user: 1_000_000, channel: needed(probe, question) + 10 });
    const { hookId, owner, signed } = jobFor("73", question);
    await counted(config, "channel", owner, 20);
    const [first, second] = [await container(), await container()];
    const calls = model.requests.length;

    await Promise.all([first(signed, depsFor(config, table, "delivery-a")), second(signed, depsFor(config, table, "delivery-b"))]);

    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual([
      messages.budgetExceeded({ scope: "channel", limit: needed(config, question) + 10, used: 20, needed: needed(config, question) }, config.budgetTimeZone),
    ]);
    expect(model.requests.length - calls).toBe(0);
    expect(await readUsage(table, owner, today(config))).toEqual({ user: { tokens: 0, answered: 0 }, channel: { tokens: 20, answered: 0 } });
    expect(await holdsLeft(config, owner)).toEqual([]);
  });

  it("a refusal by one row gives back the other row's hold, whichever delivery placed it", async () => {
    // The channel has room for this question and the person has not: the channel's hold is placed, then given back.
    const question = "사람의 한도에 걸리는 질문";
    const probe = configWith({ user: 0, channel: 0 });
    const config = configWith({ user: needed(probe, question) + 5, channel: 1_000_000 });
    const { hookId, owner, signed } = jobFor("74", question);
    await counted(config, "user", owner, 10);
    const [first, second] = [await container(), await container()];

    await Promise.all([first(signed, depsFor(config, table, "delivery-a")), second(signed, depsFor(config, table, "delivery-b"))]);

    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual([
      messages.budgetExceeded({ scope: "user", limit: needed(config, question) + 5, used: 10, needed: needed(config, question) }, config.budgetTimeZone),
    ]);
    expect(await readUsage(table, owner, today(config))).toEqual({ user: { tokens: 10, answered: 0 }, channel: { tokens: 0, answered: 0 } });
    expect(await holdsLeft(config, owner)).toEqual([]);
  });
});
