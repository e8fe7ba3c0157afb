import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { handleFailedJob } from "../../handler/edge/handleFailedJob.js";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { createWorkerPool } from "../../handler/dev/workerPool.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { sleep } from "../support/listen.js";

const TOKEN = "pool-test-token-5b7c9d1e";

/** The local stand-in for Lambda's async queue, with the edge's real on-failure code and a Dooray on loopback. */
describe("the local worker pool", () => {
  let dooray: DoorayReceiver;
  const logs: string[] = [];
  const log = createLogger((line) => logs.push(line));
  const config = readConfig({ DOORAY_APP_TOKEN: TOKEN, RESPONSE_URL_HOSTS: "127.0.0.1", ALLOW_INSECURE_RESPONSE_URL: "1" });
  const onFailure = (record: Parameters<typeof handleFailedJob>[0]) => handleFailedJob(record, { config, jobTokens: async () => [TOKEN], log, now: Date.now });
  const job = () => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    return { hookId, job: signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "질문", responseUrl }, Date.now()), TOKEN) };
  };
  beforeAll(async () => {
    dooray = await startDoorayReceiver();
  });
  afterAll(() => dooray.close());

  it("a worker that throws yields the failure message, once", async () => {
    const pool = createWorkerPool({
      concurrency: 2,
      maxEventAgeMs: 5_000,
      timeoutMs: 5_000,
      log,
      onFailure,
      run: async () => Promise.reject(new TypeError("boom")),
    });
    const { hookId, job: signed } = job();
    await pool.dispatch(signed);
    await pool.idle();
    expect(dooray.postsFor(hookId).map((post) => post.body)).toEqual([{ text: messages.workerFailed, responseType: "ephemeral", replaceOriginal: true }]);
    const finished = logs.map((line) => JSON.parse(line)).find((entry) => entry.event === "job.finished" && entry.jobId === signed.id);
    expect(finished).toMatchObject({ outcome: "workerFailed", condition: "RetriesExhausted", errorType: "TypeError" });
  });

  it("a worker past its time limit is stopped: the failure message arrives, and nothing it posts later does", async () => {
    let alive: (() => boolean) | undefined;
    const pool = createWorkerPool({
      concurrency: 1,
      maxEventAgeMs: 5_000,
      timeoutMs: 200,
      log,
      onFailure,
      run: async (_job, invocation) => {
        alive = invocation.alive;
        await sleep(600);
      },
    });
    const { hookId, job: signed } = job();
    await pool.dispatch(signed);
    await pool.idle();
    expect(dooray.postsFor(hookId).map((post) => post.body.text)).toEqual([messages.workerFailed]);
    expect(alive!()).toBe(false);
    const finished = logs.map((line) => JSON.parse(line)).find((entry) => entry.event === "job.finished" && entry.jobId === signed.id);
    expect(finished).toMatchObject({ outcome: "workerFailed", errorType: "Sandbox.Timedout" });
  });

  it("runs at most `concurrency` at once, in order, and sends a job that waited too long to the busy message", async () => {
    let running = 0;
    let most = 0;
    const ran: string[] = [];
    const pool = createWorkerPool({
      concurrency: 2,
      maxEventAgeMs: 250,
      timeoutMs: 5_000,
      log,
      onFailure,
      run: async (signed) => {
        running++;
        most = Math.max(most, running);
        ran.push((signed as { id: string }).id);
        await sleep(400);
        running--;
      },
    });
    const jobs = [job(), job(), job(), job()];
    for (const { job: signed } of jobs) await pool.dispatch(signed);
    await pool.idle();
    expect(most).toBe(2);
    expect(ran).toEqual([jobs[0]!.job.id, jobs[1]!.job.id]);
    for (const { hookId } of jobs.slice(2)) expect(dooray.postsFor(hookId).map((post) => post.body.text)).toEqual([messages.busy]);
    for (const { hookId } of jobs.slice(0, 2)) expect(dooray.postsFor(hookId)).toEqual([]);
  });
});
