import { describe, expect, it } from "vitest";
import { newJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { loadConversation } from "../../handler/store/conversations.js";
import { forgetPerson } from "../../handler/store/forgetPerson.js";
import { planTurn } from "../../handler/store/turnPlan.js";
import { recordTurn } from "../../handler/worker/conversationTurn.js";
import { proxiedTableForSuite, type ProxiedRequest } from "../support/tableProxy.js";

const TENANT = "1234567891234567891";
const CHANNEL = "2000000000000000001";
let seq = 0;
const person = () => `30000000000000${String(++seq).padStart(5, "0")}`;
const indexWrite = ({ action, input }: ProxiedRequest) =>
  action === "UpdateItem" &&
  String((input.Key as { pk: { S: string } }).pk.S).startsWith("person#") &&
  String(input.UpdateExpression).startsWith("ADD conversations");
const conversationSave = ({ action }: ProxiedRequest) => action === "PutItem";

/**
 * `npm run forget` against answers still being stored (docs/privacy.md, "Forgetting a person"): a conversation is
 * stored only with its index, so forget finds it; a job under way when forget runs stores nothing more, or has what
 * it stored deleted by the second pass.
 */
describe("forgetting a person while their answers are being stored", () => {
  const tables = proxiedTableForSuite();

  const logs: Record<string, unknown>[] = [];
  const log = createLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const question = async (userId: string, issuedAt = Date.now()) => {
    const job = newJob({ tenantId: TENANT, channelId: CHANNEL, userId, text: "고객 정보 정리해줘", responseUrl: "https://x.dooray.com/h" }, issuedAt);
    const plan = await planTurn(tables.proxy, job, Math.floor(Date.now() / 1000));
    if (!plan.ok) throw new Error("a new question always plans");
    return { job, plan };
  };
  const store = ({ job, plan }: { job: ReturnType<typeof newJob>; plan: Awaited<ReturnType<typeof question>>["plan"] & { ok: true } }) =>
    recordTurn(tables.proxy, job, plan, "답변", Math.floor(Date.now() / 1000), log);
  const stored = async ({ plan }: { plan: { ok: true; conversationId: string } | { ok: false } }) =>
    plan.ok && (await loadConversation(tables.table, plan.conversationId, Math.floor(Date.now() / 1000))) !== undefined;
  const forget = (userId: string, untilJobsEnd?: () => Promise<void>) => forgetPerson(tables.proxy, TENANT, userId, Date.now(), "Asia/Seoul", {}, untilJobsEnd);

  it("stores no conversation whose index write failed, so forget leaves nothing behind", async () => {
    const userId = person();
    const asked = await question(userId);
    // The client's one quick retry fails too.
    tables.proxy.fail(indexWrite, 2);
    expect(await store(asked as Parameters<typeof store>[0])).toBeUndefined();
    expect(logs.some((entry) => entry.event === "job.conversationNotIndexed" && entry.jobId === asked.job.id)).toBe(true);
    const forgotten = await forget(userId);
    expect(forgotten.conversations).toBe(0);
    expect(await stored(asked)).toBe(false);
  });

  it("a job issued before forget that stores after it stores nothing", async () => {
    const userId = person();
    const asked = await question(userId, Date.now() - 1_000);
    await forget(userId);
    expect(await store(asked as Parameters<typeof store>[0])).toBeUndefined();
    expect(logs.some((entry) => entry.event === "job.personForgotten" && entry.jobId === asked.job.id)).toBe(true);
    expect(await stored(asked)).toBe(false);
    // A question asked after forget is stored as usual.
    const later = await question(userId, Date.now() + 1);
    expect(await store(later as Parameters<typeof store>[0])).toBe(0);
    expect(await stored(later)).toBe(true);
  });

  it("a save already past its index when forget runs is deleted by the second pass", async () => {
    const userId = person();
    const asked = await question(userId);
    const save = tables.proxy.hold(conversationSave);
    const storing = store(asked as Parameters<typeof store>[0]);
    await save.held;
    // The first pass finds the index entry but no conversation yet; the save lands while forget waits out the jobs.
    const forgotten = await forget(userId, async () => {
      save.release();
      await storing;
    });
    expect(await storing).toBe(0);
    expect(forgotten).toMatchObject({ conversations: 0, secondPass: 1 });
    expect(await stored(asked)).toBe(false);
  });
});
