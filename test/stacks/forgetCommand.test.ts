import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { budgetDay } from "../../handler/store/budgetDay.js";
import { readUsage, reserve, settle } from "../../handler/store/budgets.js";
import { loadConversation } from "../../handler/store/conversations.js";
import { planTurn } from "../../handler/store/turnPlan.js";
import { recordTurn } from "../../handler/worker/conversationTurn.js";
import { startFakeAws, type FakeAws } from "../support/fakeAws.js";
import { runTool } from "../support/runTool.js";
import { PROCESS_BUDGET_MS } from "../support/testBudgets.js";

const TENANT = "1234567891234567891";
const [ALICE, BOB] = ["3000000000000000001", "3000000000000000002"];
const CHANNEL = "2000000000000000001";

/** `npm run forget` against a DynamoDB API on loopback, with the sample dev environment's table and account. */
describe("npm run forget -- <env> <tenant> <user>", { timeout: PROCESS_BUDGET_MS }, () => {
  let table: LocalTable;
  let aws: FakeAws;
  beforeAll(async () => {
    table = await startLocalTable({ table: "dooray-gpt-dev" });
    aws = await startFakeAws();
  }, PROCESS_BUDGET_MS);
  afterAll(async () => {
    await table.close();
    await aws.close();
  });

  /** A person's answered question: a conversation (indexed under them) and today's usage. */
  const answered = async (userId: string, question: string) => {
    const now = Date.now();
    const job = newJob({ tenantId: TENANT, channelId: CHANNEL, userId, text: question, responseUrl: "https://x.dooray.com/h" }, now);
    const plan = await planTurn(table, job, Math.floor(now / 1000));
    if (!plan.ok) throw new Error("a new question always plans");
    await recordTurn(
      table,
      job,
      plan,
      `답변: ${question}`,
      Math.floor(now / 1000),
      createLogger(() => undefined),
    );
    const who = { tenantId: TENANT, channelId: CHANNEL, userId };
    await reserve(table, who, budgetDay(now, "Asia/Seoul"), { jobId: job.id, tokens: 100 }, { user: 0, channel: 0 }, Math.floor(now / 1000));
    await settle(table, who, budgetDay(now, "Asia/Seoul"), { jobId: job.id, usedTokens: 40, reservedTokens: 100, answered: true }, Math.floor(now / 1000));
    return job.id;
  };

  const forget = (args: string[]) =>
    runTool("forget", args, {
      AWS_ACCESS_KEY_ID: "AKIAOPERATOR",
      AWS_SECRET_ACCESS_KEY: "operator-secret",
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ENDPOINT_URL_STS: aws.url,
    });

  it("deletes one person's conversations and usage rows, and nobody else's, printing counts and no text", async () => {
    const alice = [await answered(ALICE, "앨리스의 첫 질문"), await answered(ALICE, "앨리스의 둘째 질문")];
    const bob = await answered(BOB, "밥의 질문");
    const nowS = Math.floor(Date.now() / 1000);

    const result = await forget(["dev", TENANT, ALICE, "--second-pass-after", "0"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `forgot user ${ALICE} of tenant ${TENANT} in dooray-gpt-dev: 2 conversation(s), 1 day(s) of usage; second pass after 0 s: 0 conversation(s) written meanwhile`,
    );
    expect(result.stdout + result.stderr).not.toContain("질문");
    for (const id of alice) expect(await loadConversation(table, id, nowS)).toBeUndefined();
    expect((await loadConversation(table, bob, nowS))?.turns.map((turn) => turn.question)).toEqual(["밥의 질문"]);
    const day = budgetDay(Date.now(), "Asia/Seoul");
    expect((await readUsage(table, { tenantId: TENANT, channelId: CHANNEL, userId: ALICE }, day)).user).toEqual({ tokens: 0, answered: 0 });
    expect((await readUsage(table, { tenantId: TENANT, channelId: CHANNEL, userId: BOB }, day)).user).toEqual({ tokens: 40, answered: 1 });
    // The channel's totals hold no person: they stay.
    expect((await readUsage(table, { tenantId: TENANT, channelId: CHANNEL, userId: BOB }, day)).channel).toEqual({ tokens: 120, answered: 3 });
  });

  it("deletes nothing with credentials of another account", async () => {
    await answered(BOB, "밥의 또 다른 질문");
    aws.callerAccount = "999999999999";
    try {
      const result = await forget(["dev", TENANT, BOB, "--second-pass-after", "0"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("nothing was deleted");
      expect((await readUsage(table, { tenantId: TENANT, channelId: CHANNEL, userId: BOB }, budgetDay(Date.now(), "Asia/Seoul"))).user.answered).toBe(2);
    } finally {
      aws.callerAccount = "111111111111";
    }
  });
});
