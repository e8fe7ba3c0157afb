import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { secretsFor } from "../../handler/secrets.js";
import { runJob } from "../../handler/worker/runJob.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fakeOpenAI.js";

const TOKEN = "worker-checks-token-3c5e7a9b";

/** A genuine job is still checked against the worker's own settings, as the edge checked it against its own. */
describe("the worker re-checks what the edge checked", () => {
  let dooray: DoorayReceiver;
  let model: FakeOpenAI;
  let table: LocalTable;
  const logs: string[] = [];
  beforeAll(async () => {
    [dooray, model, table] = await Promise.all([startDoorayReceiver(), startFakeOpenAI(), startLocalTable()]);
  });
  afterAll(() => Promise.all([dooray.close(), model.close(), table.close()]));

  const run = async (env: Record<string, string>, fields: { tenantId?: string; text?: string }) => {
    const config = readConfig({
      DOORAY_APP_TOKEN: TOKEN,
      OPENAI_API_KEY: "sk-x",
      OPENAI_BASE_URL: model.baseUrl,
      RESPONSE_URL_HOSTS: "127.0.0.1",
      ALLOW_INSECURE_RESPONSE_URL: "1",
      ...env,
    });
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const job = signJob(
      newJob({ tenantId: fields.tenantId ?? "111", channelId: "2", userId: "3", text: fields.text ?? "질문", responseUrl }, Date.now()),
      TOKEN,
    );
    const before = model.requests.length;
    await runJob(job, {
      config,
      secrets: secretsFor(config, () => Promise.reject(new Error("local"))),
      log: createLogger((line) => logs.push(line)),
      now: Date.now,
      remainingMs: () => 30_000,
      table,
    });
    return { posts: dooray.postsFor(hookId).map((post) => post.body.text), modelCalls: model.requests.length - before, finished: JSON.parse(logs.at(-1)!) };
  };

  it("refuses a tenant its own allow-list does not hold, without a model call", async () => {
    const result = await run({ DOORAY_TENANT_IDS: "111,222" }, { tenantId: "999" });
    expect(result).toMatchObject({
      posts: [messages.edge.tenantNotAllowed],
      modelCalls: 0,
      finished: { event: "job.finished", outcome: "refused", reason: "tenant not allowed" },
    });
  });

  it("refuses a question longer than its own limit, without a model call", async () => {
    const result = await run({ BOT_MAX_QUESTION_CHARS: "10" }, { text: "열 글자보다 훨씬 긴 질문입니다" });
    expect(result).toMatchObject({ posts: [messages.questionTooLong(10)], modelCalls: 0, finished: { outcome: "refused", reason: "question too long" } });
  });

  it("answers when both checks pass", async () => {
    const result = await run({ DOORAY_TENANT_IDS: "111" }, { text: "짧은 질문" });
    expect(result).toMatchObject({ posts: ["답변: 짧은 질문"], modelCalls: 1, finished: { outcome: "answered" } });
  });
});
