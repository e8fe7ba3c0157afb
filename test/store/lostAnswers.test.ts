import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { readUsage, reserve, settle, type BudgetOwner } from "../../handler/store/budgets.js";
import { loadConversation } from "../../handler/store/conversations.js";
import { recordTurn } from "../../handler/worker/conversationTurn.js";
import { planTurn } from "../../handler/store/turnPlan.js";
import { startTableProxy, type ProxiedRequest, type TableProxy } from "../support/tableProxy.js";

const NOW_S = 1_790_000_000;
const LIMITS = { user: 100_000, channel: 100_000 };
let seq = 0;
const owner = (): BudgetOwner => ({ tenantId: "t1", channelId: `c${++seq}`, userId: `u${seq}` });
const jobId = () => `job-lost-${++seq}-0000`;
const updates = ({ action }: ProxiedRequest) => action === "UpdateItem";
const puts = ({ action }: ProxiedRequest) => action === "PutItem";
const givingBack = ({ action, input }: ProxiedRequest) =>
  action === "UpdateItem" && Number((input.ExpressionAttributeValues as Record<string, { N?: string }>)[":tokens"]?.N) < 0;

/**
 * A write whose answer is lost (applied by DynamoDB, then the connection drops) is retried by the client. The same
 * questions must count exactly the same whether or not that happens: every write is applied once.
 */
describe("a write whose answer was lost is counted once", () => {
  let table: LocalTable;
  let proxy: TableProxy;
  beforeAll(async () => {
    table = await startLocalTable();
    proxy = await startTableProxy(table);
  });
  afterAll(async () => {
    await proxy.close();
    await table.close();
  });

  /** Two answered questions (1,000 reserved, 120 and 80 used), with the given answers lost on the way. */
  const twoAnswers = async (who: BudgetOwner, lose: () => void) => {
    for (const used of [120, 80]) {
      const id = jobId();
      lose();
      expect(await reserve(proxy, who, "d", { jobId: id, tokens: 1000 }, LIMITS, NOW_S)).toMatchObject({ ok: true });
      await settle(proxy, who, "d", { jobId: id, usedTokens: used, reservedTokens: 1000, answered: true }, NOW_S);
    }
    return readUsage(table, who, "d");
  };

  it("a reservation's lost answer", async () => {
    const expected = await twoAnswers(owner(), () => undefined);
    expect(expected).toEqual({ user: { tokens: 200, answered: 2 }, channel: { tokens: 200, answered: 2 } });
    expect(await twoAnswers(owner(), () => proxy.loseAnswer(updates))).toEqual(expected);
  });

  it("a settlement's lost answer", async () => {
    const who = owner();
    const id = jobId();
    await reserve(proxy, who, "d", { jobId: id, tokens: 1000 }, LIMITS, NOW_S);
    proxy.loseAnswer(updates, 2);
    await settle(proxy, who, "d", { jobId: id, usedTokens: 120, reservedTokens: 1000, answered: true }, NOW_S);
    expect(await readUsage(table, who, "d")).toEqual({ user: { tokens: 120, answered: 1 }, channel: { tokens: 120, answered: 1 } });
  });

  it("a give-back's lost answer, when the channel refused and the person's hold is returned", async () => {
    const who = owner();
    await reserve(proxy, { ...who, userId: "other" }, "d", { jobId: jobId(), tokens: 950 }, { user: 0, channel: 1000 }, NOW_S);
    proxy.loseAnswer(givingBack);
    const refused = await reserve(proxy, who, "d", { jobId: jobId(), tokens: 512 }, { user: 5000, channel: 1000 }, NOW_S);
    expect(refused).toMatchObject({ ok: false, scope: "channel" });
    expect((await readUsage(table, who, "d")).user.tokens).toBe(0);
  });

  it("a failed call's give-back, lost", async () => {
    const who = owner();
    const id = jobId();
    await reserve(proxy, who, "d", { jobId: id, tokens: 1536 }, LIMITS, NOW_S);
    proxy.loseAnswer(givingBack, 2);
    await settle(proxy, who, "d", { jobId: id, usedTokens: 0, reservedTokens: 1536, answered: false }, NOW_S);
    expect(await readUsage(table, who, "d")).toEqual({ user: { tokens: 0, answered: 0 }, channel: { tokens: 0, answered: 0 } });
  });

  it("a stored turn's lost answer: a follow-up is stored once", async () => {
    const log = createLogger(() => undefined);
    const first = newJob({ tenantId: "t", channelId: "c", userId: "u", text: "첫 질문", responseUrl: "https://x.dooray.com/h" }, NOW_S * 1000);
    const plan = await planTurn(proxy, first, NOW_S);
    if (!plan.ok) throw new Error("a new question always plans");
    await recordTurn(proxy, first, plan, "첫 답변", NOW_S, log);
    const followUp = {
      ...newJob({ tenantId: "t", channelId: "c", userId: "u", text: "이어서", responseUrl: "https://x.dooray.com/h" }, NOW_S * 1000),
      thread: { kind: "followUp" as const, conversationId: first.id, turn: 0 },
    };
    const next = await planTurn(proxy, followUp, NOW_S);
    if (!next.ok) throw new Error("the conversation is there");

    proxy.loseAnswer(puts);
    expect(await recordTurn(proxy, followUp, next, "이어진 답변", NOW_S, log)).toBe(1);

    const stored = await loadConversation(table, first.id, NOW_S);
    expect(stored?.turns.map((turn) => turn.question)).toEqual(["첫 질문", "이어서"]);
  });
});
