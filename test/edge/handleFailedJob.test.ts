import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { failureRecord } from "../../handler/edge/failureRecord.js";
import { handleFailedJob } from "../../handler/edge/handleFailedJob.js";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { startLocalTable } from "../../handler/dev/localTable.js";
import { claimJob, markFinished } from "../../handler/store/jobClaims.js";

const TOKEN = "failed-job-token-8e2a4c6b";

/** The on-failure path: the edge is public, so a record is trusted only when its job carries our signature. */
describe("a failure record at the edge", () => {
  let dooray: DoorayReceiver;
  const logs: string[] = [];
  const config = readConfig({ DOORAY_APP_TOKEN: TOKEN, RESPONSE_URL_HOSTS: "127.0.0.1", ALLOW_INSECURE_RESPONSE_URL: "1", FAILED_JOB_MAX_AGE_SECONDS: "600" });
  const deps = { config, jobTokens: async () => [TOKEN], log: createLogger((line) => logs.push(line)), now: Date.now };
  const signed = (responseUrl: string, issuedAt = Date.now(), token = TOKEN) =>
    signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "질문", responseUrl }, issuedAt), token);
  const lastLog = () => JSON.parse(logs.at(-1)!) as Record<string, unknown>;
  beforeAll(async () => {
    dooray = await startDoorayReceiver();
  });
  afterAll(() => dooray.close());

  it("tells the person it was busy when the job waited too long, and that it failed otherwise", async () => {
    const busy = dooray.newResponseUrl();
    await handleFailedJob(failureRecord(signed(busy.responseUrl), "EventAgeExceeded"), deps);
    expect(dooray.postsFor(busy.hookId).map((post) => post.body)).toEqual([{ text: messages.busy, responseType: "ephemeral", replaceOriginal: true }]);
    expect(lastLog()).toMatchObject({ event: "job.finished", outcome: "busy", condition: "EventAgeExceeded" });

    const failed = dooray.newResponseUrl();
    await handleFailedJob(failureRecord(signed(failed.responseUrl), "RetriesExhausted", "Runtime.OutOfMemory"), deps);
    expect(dooray.postsFor(failed.hookId).map((post) => post.body.text)).toEqual([messages.workerFailed]);
    expect(lastLog()).toMatchObject({ event: "job.finished", outcome: "workerFailed", errorType: "Runtime.OutOfMemory" });
  });

  it("tells about a failed follow-up in a new message headed by its question, leaving the earlier answer alone", async () => {
    const hook = dooray.newResponseUrl();
    const job = signJob(
      {
        ...newJob({ tenantId: "1", channelId: "2", userId: "3", text: "이어서 묻기", responseUrl: hook.responseUrl }, Date.now()),
        thread: { kind: "followUp", conversationId: "conv-0123456789", turn: 0 },
      },
      TOKEN,
    );
    await handleFailedJob(failureRecord(job, "EventAgeExceeded"), deps);
    expect(dooray.postsFor(hook.hookId).map((post) => post.body)).toEqual([
      { text: `${messages.followUpHeader("이어서 묻기")}\n\n${messages.busy}`, responseType: "ephemeral", replaceOriginal: false },
    ]);
  });

  it.each([
    ["a job signed with another token", (url: string) => signed(url, Date.now(), "not-our-token")],
    ["a job whose text was changed", (url: string) => ({ ...signed(url), text: "다른 질문" })],
    ["a job too old even for the failure path", (url: string) => signed(url, Date.now() - 601_000)],
    ["something that is not a job", (url: string) => ({ responseUrl: url })],
  ])("posts nothing for a forged record: %s", async (_label, make) => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    await handleFailedJob(failureRecord(make(responseUrl), "EventAgeExceeded"), deps);
    expect(dooray.postsFor(hookId)).toEqual([]);
    expect(lastLog()).toMatchObject({ event: "failedJob.dropped", level: "warn" });
  });

  it("posts nothing to a responseUrl the configuration does not allow, even when signed", async () => {
    const strict = { ...deps, config: { ...config, responseUrlHosts: ["*.dooray.com"] } };
    const { hookId, responseUrl } = dooray.newResponseUrl();
    await handleFailedJob(failureRecord(signed(responseUrl), "RetriesExhausted"), strict);
    expect(dooray.postsFor(hookId)).toEqual([]);
    expect(lastLog()).toMatchObject({ event: "failedJob.dropped", reason: "responseUrl host not allowed" });
  });

  it("a second delivery of the same record posts nothing more", async () => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const record = failureRecord(signed(responseUrl), "EventAgeExceeded");
    await handleFailedJob(record, deps);
    await handleFailedJob(record, deps);
    expect(dooray.postsFor(hookId)).toHaveLength(1);
    expect(lastLog()).toMatchObject({ event: "failedJob.dropped", reason: "duplicate delivery" });
  });

  it("leaves alone a job its worker finished (the answer stays), and tells about one it claimed but never finished", async () => {
    const table = await startLocalTable();
    try {
      const finished = dooray.newResponseUrl();
      const finishedJob = signed(finished.responseUrl);
      await claimJob(table, finishedJob.id, "delivery-1", 1_000);
      await markFinished(table, finishedJob.id, "answered", 1_001);
      await handleFailedJob(failureRecord(finishedJob, "RetriesExhausted", "Sandbox.Timedout"), { ...deps, table });
      expect(dooray.postsFor(finished.hookId)).toEqual([]);
      expect(lastLog()).toMatchObject({ event: "failedJob.dropped", reason: "the worker finished it", outcome: "answered" });

      const stopped = dooray.newResponseUrl();
      const stoppedJob = signed(stopped.responseUrl);
      await claimJob(table, stoppedJob.id, "delivery-1", 1_000);
      await handleFailedJob(failureRecord(stoppedJob, "RetriesExhausted", "Sandbox.Timedout"), { ...deps, table });
      expect(dooray.postsFor(stopped.hookId).map((post) => post.body.text)).toEqual([messages.workerFailed]);
    } finally {
      await table.close();
    }
  });
});
