import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { budgetDay, fixedOffsetMinutes } from "../../handler/store/budgetDay.js";
import { readUsage, reserve, settle, type BudgetOwner } from "../../handler/store/budgets.js";
import { USAGE_KEEP_SECONDS, usageKey } from "../../handler/store/tableKeys.js";

const NOW_S = 1_790_000_000;
let seq = 0;
/** A fresh person in a fresh channel per test: rows never leak between tests. */
/** A fresh job's hold. */
const hold = (tokens: number, jobId = `job-${++seq}-000000`) => ({ jobId, tokens });
const owner = (): BudgetOwner => ({ tenantId: "t1", channelId: `c${++seq}`, userId: `u${seq}` });

/** Budgets against a real DynamoDB API (dynalite on loopback): the conditions DynamoDB evaluates are the test. */
describe("daily budgets in the table", () => {
  let table: LocalTable;
  beforeAll(async () => void (table = await startLocalTable()));
  afterAll(() => table.close());

  it("keeps one row per scope and day, keyed so no id can name another's row, with a TTL a month out", async () => {
    const who = { tenantId: "t#1", channelId: "c#user#x", userId: "u1" };
    await reserve(table, who, "2026-11-25", hold(100, "job-first-0001"), { user: 0, channel: 0 }, NOW_S);
    const row = await table.call("GetItem", { TableName: table.table, Key: { pk: { S: usageKey("channel", "t#1", "c#user#x", "2026-11-25") } } });
    // The running question's hold is named after its job, so a retried write is applied once.
    expect(row.Item).toEqual({
      pk: { S: "usage#t%231#channel#c%23user%23x#2026-11-25" },
      tokens: { N: "100" },
      "hold#job-first-0001": { N: "100" },
      expiresAt: { N: String(NOW_S + USAGE_KEEP_SECONDS) },
    });
    // A later write keeps the first expiry: the row lives a month after its day, not after its last question.
    await reserve(table, who, "2026-11-25", hold(5), { user: 0, channel: 0 }, NOW_S + 3600);
    const again = await table.call("GetItem", { TableName: table.table, Key: { pk: { S: usageKey("user", "t#1", "u1", "2026-11-25") } } });
    expect(again.Item).toMatchObject({ tokens: { N: "105" }, expiresAt: { N: String(NOW_S + USAGE_KEEP_SECONDS) } });
  });

  it("refuses the reservation that would pass the limit, naming the scope", async () => {
    const who = owner();
    expect(await reserve(table, who, "d", hold(60), { user: 100, channel: 0 }, NOW_S)).toEqual({ ok: true, tokens: 60 });
    expect(await reserve(table, who, "d", hold(60), { user: 100, channel: 0 }, NOW_S)).toEqual({ ok: false, scope: "user", limit: 100, used: 60, needed: 60 });
    expect(await reserve(table, who, "d", hold(40), { user: 100, channel: 0 }, NOW_S)).toEqual({ ok: true, tokens: 40 });
  });

  it("gives the user's hold back when the channel refuses", async () => {
    const who = owner();
    await reserve(table, who, "d", hold(90), { user: 0, channel: 100 }, NOW_S);
    const refused = await reserve(table, { ...who, userId: "someone-else" }, "d", hold(20), { user: 1000, channel: 100 }, NOW_S);
    expect(refused).toEqual({ ok: false, scope: "channel", limit: 100, used: 90, needed: 20 });
    expect((await readUsage(table, { ...who, userId: "someone-else" }, "d")).user.tokens).toBe(0);
  });

  it("never lets 20 concurrent reservations overrun a budget that fits 5", async () => {
    const who = owner();
    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(table, who, "d", hold(100), { user: 500, channel: 0 }, NOW_S)));
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect((await readUsage(table, who, "d")).user.tokens).toBe(500);
  });

  it("settles a reservation to the real use, counts an answer, and gives all of it back for a failed call", async () => {
    const who = owner();
    const [answered, failed] = [hold(1000), hold(1000)];
    await reserve(table, who, "d", answered, { user: 5000, channel: 5000 }, NOW_S);
    await settle(table, who, "d", { jobId: answered.jobId, usedTokens: 120, reservedTokens: 1000, answered: true }, NOW_S);
    await reserve(table, who, "d", failed, { user: 5000, channel: 5000 }, NOW_S);
    await settle(table, who, "d", { jobId: failed.jobId, usedTokens: 0, reservedTokens: 1000, answered: false }, NOW_S);
    expect(await readUsage(table, who, "d")).toEqual({ user: { tokens: 120, answered: 1 }, channel: { tokens: 120, answered: 1 } });
  });

  it("never charges more than was held back, whatever the endpoint reports", async () => {
    const who = owner();
    const question = hold(1000);
    await reserve(table, who, "d", question, { user: 1000, channel: 0 }, NOW_S);
    await settle(table, who, "d", { jobId: question.jobId, usedTokens: 7_800, reservedTokens: 1000, answered: true }, NOW_S);
    expect((await readUsage(table, who, "d")).user).toEqual({ tokens: 1000, answered: 1 });
  });

  it("refuses a question bigger than the whole budget without writing", async () => {
    const who = owner();
    expect(await reserve(table, who, "d", hold(101), { user: 0, channel: 100 }, NOW_S)).toEqual({
      ok: false,
      scope: "channel",
      limit: 100,
      used: 0,
      needed: 101,
    });
    expect(await readUsage(table, who, "d")).toEqual({ user: { tokens: 0, answered: 0 }, channel: { tokens: 0, answered: 0 } });
  });
});

describe("the budget day", () => {
  it("turns at midnight in the operator's time zone", () => {
    const beforeMidnightSeoul = Date.UTC(2026, 10, 25, 14, 59, 59);
    expect(budgetDay(beforeMidnightSeoul, "Asia/Seoul")).toBe("2026-11-25");
    expect(budgetDay(beforeMidnightSeoul + 1000, "Asia/Seoul")).toBe("2026-11-26");
    expect(budgetDay(beforeMidnightSeoul + 1000, "UTC")).toBe("2026-11-25");
  });

  it("gives the same day from a fixed offset, for zones without daylight saving (no formatter on a cold start)", () => {
    const seoul = fixedOffsetMinutes("Asia/Seoul", 2026);
    expect(seoul).toBe(540);
    expect(fixedOffsetMinutes("Asia/Kolkata", 2026)).toBe(330);
    expect(fixedOffsetMinutes("UTC", 2026)).toBe(0);
    expect(fixedOffsetMinutes("America/New_York", 2026)).toBeUndefined();
    for (let hour = 0; hour < 48; hour++) {
      const instant = Date.UTC(2026, 11, 31, hour, 30);
      expect(budgetDay(instant, "Asia/Seoul", seoul), `hour ${hour}`).toBe(budgetDay(instant, "Asia/Seoul"));
    }
  });
});
