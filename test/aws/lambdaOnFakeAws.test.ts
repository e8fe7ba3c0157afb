import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSecretValue } from "../../handler/aws/getSecretValue.js";
import { invokeAsync } from "../../handler/aws/invokeAsync.js";
import { failureRecord } from "../../handler/edge/failureRecord.js";
import { newJob, signJob } from "../../handler/job/signedJob.js";
import { AwsCallError } from "../../handler/errors.js";
import { handler } from "../../handler/edge/index.js";
import { resetRuntime } from "../../handler/runtime.js";
import { handler as workerHandler } from "../../handler/worker/index.js";
import { messages } from "../../handler/dooray/messages.js";
import { clearSecretCache } from "../../handler/secrets.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { startDoorayReceiver, type DoorayReceiver } from "../support/doorayReceiver.js";
import { startFakeAws, type FakeAws } from "../support/fakeAws.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fakeOpenAI.js";
import { API_KEY, APP_TOKEN, commandPayload, finalPosts } from "../support/harness.js";

const REGION = "ap-northeast-2";
const FUNCTION_NAME = "dooray-gpt-test-worker";
const TOKEN_ARN = "dooray-gpt/test/dooray-app-token";
const KEY_ARN = "dooray-gpt/test/openai-api-key";

/** The function as Lambda runs it, with AWS, the model and Dooray all on loopback. */
describe("the Lambda entry against AWS APIs on loopback", () => {
  let aws: FakeAws;
  let model: FakeOpenAI;
  let dooray: DoorayReceiver;
  let table: LocalTable;
  const jobs: Promise<unknown>[] = [];
  const logs: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    [aws, model, dooray, table] = await Promise.all([startFakeAws(), startFakeOpenAI({ apiKey: API_KEY }), startDoorayReceiver(), startLocalTable()]);
    Object.assign(process.env, {
      BOT_TABLE: table.table,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKE0001",
      AWS_SECRET_ACCESS_KEY: "fake-secret-access-key",
      AWS_SESSION_TOKEN: "fake-session-token",
      AWS_ENDPOINT_URL_LAMBDA: aws.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      WORKER_FUNCTION_NAME: FUNCTION_NAME,
      DOORAY_APP_TOKEN_SECRET_ID: TOKEN_ARN,
      OPENAI_API_KEY_SECRET_ID: KEY_ARN,
      OPENAI_BASE_URL: model.baseUrl,
      RESPONSE_URL_HOSTS: "127.0.0.1",
      ALLOW_INSECURE_RESPONSE_URL: "1",
      MODEL_MAX_RETRIES: "0",
    });
    // Lambda runs the async invocation after answering 202, as the real service does.
    aws.onInvoke = (_name, payload) => void jobs.push(workerHandler(payload, { getRemainingTimeInMillis: () => 60_000 }));
    process.stdout.write = ((chunk: string) => (logs.push(String(chunk)), true)) as typeof process.stdout.write;
  });
  afterAll(async () => {
    process.stdout.write = write;
    await Promise.all([aws.close(), model.close(), dooray.close(), table.close()]);
  });
  beforeEach(() => {
    aws.secrets.clear();
    aws.previousSecrets.clear();
    aws.secrets.set(TOKEN_ARN, APP_TOKEN);
    aws.secrets.set(KEY_ARN, API_KEY);
    aws.failInvoke = undefined;
    aws.failGetSecret = undefined;
    aws.requests.length = 0;
    clearSecretCache();
    resetRuntime();
  });

  const command = async (text: string) => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const body = Buffer.from(JSON.stringify(commandPayload({ text, responseUrl }))).toString("base64");
    const result = await handler({
      requestContext: { http: { method: "POST" } },
      headers: { "content-type": "application/json" },
      body,
      isBase64Encoded: true,
    });
    return { result: result!, hookId };
  };

  it("acknowledges, invokes the worker asynchronously with a signed job, and the worker answers", async () => {
    const { result, hookId } = await command("람다에서 답해 줘");
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ responseType: "ephemeral", text: messages.ack });

    const posts = await dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    expect(posts.at(-1)!.body.text).toBe("답변: 람다에서 답해 줘");

    const invoke = aws.requests.find((request) => request.path.includes("/invocations"))!;
    expect(invoke.path).toBe(`/2015-03-31/functions/${FUNCTION_NAME}/invocations`);
    expect(invoke.headers["x-amz-invocation-type"]).toBe("Event");
    expect(invoke.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001/\\d{8}/${REGION}/lambda/aws4_request, `));
    expect(invoke.headers["x-amz-security-token"]).toBe("fake-session-token");
    const job = JSON.parse(invoke.body) as Record<string, unknown>;
    expect(job).toMatchObject({ type: "dooray-gpt/job@1", text: "람다에서 답해 줘", signature: expect.any(String) });
    expect(invoke.body).not.toContain(APP_TOKEN);

    const reads = aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.GetSecretValue");
    // The edge reads the current token; the worker the current and previous ones (to verify across a rotation) and the key.
    expect(reads.map((request) => JSON.parse(request.body))).toEqual([
      { SecretId: TOKEN_ARN },
      { SecretId: TOKEN_ARN, VersionStage: "AWSPREVIOUS" },
      { SecretId: KEY_ARN },
    ]);
    expect(reads[0]!.headers.authorization).toContain(`/${REGION}/secretsmanager/aws4_request`);
    expect(reads[0]!.headers["content-type"]).toBe("application/x-amz-json-1.1");
  });

  it("trims stored secrets, as the local ones are: a token saved with a trailing newline still lets people in", async () => {
    aws.secrets.set(TOKEN_ARN, `${APP_TOKEN}\n`);
    aws.secrets.set(KEY_ARN, ` ${API_KEY}\r\n`);
    const { result, hookId } = await command("줄바꿈이 붙은 비밀");
    expect(result.statusCode).toBe(200);
    const posts = await dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    expect(posts.at(-1)!.body.text).toBe("답변: 줄바꿈이 붙은 비밀");
  });

  it("rotating the app token drops no job: one signed with the previous token (AWSPREVIOUS) is still answered", async () => {
    aws.secrets.set(TOKEN_ARN, "new-app-token-after-rotation");
    aws.previousSecrets.set(TOKEN_ARN, APP_TOKEN);
    const { hookId, responseUrl } = dooray.newResponseUrl();
    await workerHandler(signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "회전 직전에 서명된 질문", responseUrl }, Date.now()), APP_TOKEN), {
      getRemainingTimeInMillis: () => 60_000,
    });
    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual(["답변: 회전 직전에 서명된 질문"]);
  });

  it("a worker still holding the old token re-reads it once when a job is signed with the new one", async () => {
    const warmUp = dooray.newResponseUrl();
    await workerHandler(
      signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "회전 전", responseUrl: warmUp.responseUrl }, Date.now()), APP_TOKEN),
      { getRemainingTimeInMillis: () => 60_000 },
    );
    aws.secrets.set(TOKEN_ARN, "new-app-token-after-rotation");
    aws.previousSecrets.set(TOKEN_ARN, APP_TOKEN);
    const { hookId, responseUrl } = dooray.newResponseUrl();
    await workerHandler(
      signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "회전 후", responseUrl }, Date.now()), "new-app-token-after-rotation"),
      { getRemainingTimeInMillis: () => 60_000 },
    );
    expect(finalPosts(dooray.postsFor(hookId)).map((post) => post.body.text)).toEqual(["답변: 회전 후"]);
    // A forged job cannot make it re-read the secret on every invocation: at most once a minute.
    const readsBefore = aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.GetSecretValue").length;
    await workerHandler(signJob(newJob({ tenantId: "1", channelId: "2", userId: "3", text: "위조", responseUrl }, Date.now()), "forged-token"));
    expect(aws.requests.filter((request) => request.headers["x-amz-target"] === "secretsmanager.GetSecretValue").length).toBe(readsBefore);
  });

  it("reads each secret once per container while its cache is fresh", async () => {
    for (const text of ["하나", "둘", "셋"]) {
      const { hookId } = await command(text);
      await dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    }
    await Promise.all(jobs);
    expect(aws.requests.filter((request) => request.headers["x-amz-target"]).length).toBe(3);
  });

  it("tells the person when invoking the worker is throttled, and logs why", async () => {
    aws.failInvoke = { status: 429, type: "TooManyRequestsException" };
    const { result, hookId } = await command("질문");
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).text).toBe(messages.dispatchFailed);
    expect(logs.some((line) => line.includes('"request.dispatchFailed"') && line.includes("TooManyRequestsException"))).toBe(true);
    expect(dooray.postsFor(hookId)).toEqual([]);
  });

  it("says 'not configured' while the OpenAI key secret has no value yet, without a model call", async () => {
    aws.secrets.delete(KEY_ARN);
    const before = model.requests.length;
    const { hookId } = await command("질문");
    const posts = await dooray.waitFor(hookId, (found) => found.length === 1);
    expect(posts[0]!.body.text).toBe(messages.notConfigured);
    expect(model.requests.length).toBe(before);
  });

  it("refuses every request with 401 while the app token secret has no value yet, and logs why", async () => {
    aws.secrets.delete(TOKEN_ARN);
    const { result } = await command("질문");
    expect(result.statusCode).toBe(401);
    expect(logs.some((line) => line.includes('"request.refused"') && line.includes("no appToken configured"))).toBe(true);
  });

  it("tells the person when reading the OpenAI key is denied, and logs AWS's reason", async () => {
    aws.failGetSecret = { status: 400, type: "AccessDeniedException", secretId: KEY_ARN };
    const { result, hookId } = await command("질문");
    expect(result.statusCode).toBe(200);
    const posts = await dooray.waitFor(hookId, (found) => found.length === 1);
    expect(posts[0]!.body.text).toBe(messages.secretUnavailable);
    expect(logs.some((line) => line.includes('"job.secretUnavailable"') && line.includes("AccessDeniedException"))).toBe(true);
  });

  it("answers 503 with a readable text when the app token cannot be read, and logs the AWS error", async () => {
    aws.failGetSecret = { status: 400, type: "AccessDeniedException" };
    const { result } = await command("질문");
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).text).toBe(messages.secretUnavailable);
    expect(logs.some((line) => line.includes('"request.secretUnavailable"') && line.includes("AccessDeniedException"))).toBe(true);
  });

  it("a job Lambda could not run comes back to the edge as a failure record, and the person is told", async () => {
    let job: unknown;
    aws.onInvoke = (_name, payload) => (job = payload);
    try {
      const { hookId } = await command("대기열에서 오래 기다린 질문");
      expect(job).toBeDefined();
      expect(await handler(failureRecord(job, "EventAgeExceeded"))).toBeUndefined();
      expect(dooray.postsFor(hookId).map((post) => post.body.text)).toEqual([messages.busy]);
      expect(logs.some((line) => line.includes('"job.finished"') && line.includes('"outcome":"busy"'))).toBe(true);
    } finally {
      aws.onInvoke = (_name, payload) => void jobs.push(workerHandler(payload, { getRemainingTimeInMillis: () => 60_000 }));
    }
  });

  it("a worker with an invalid configuration fails loudly, so Lambda sends its job to the edge", async () => {
    process.env.BOT_MAX_OUTPUT_TOKENS = "lots";
    try {
      await expect(workerHandler({})).rejects.toMatchObject({ name: "ConfigError", variable: "BOT_MAX_OUTPUT_TOKENS" });
    } finally {
      delete process.env.BOT_MAX_OUTPUT_TOKENS;
    }
  });

  it("drops a forged job with a log line and posts nothing", async () => {
    const { hookId, responseUrl } = dooray.newResponseUrl();
    const forged = {
      type: "dooray-gpt/job@1",
      id: "x",
      issuedAt: Date.now(),
      tenantId: "1",
      channelId: "2",
      userId: "3",
      text: "hi",
      responseUrl,
      signature: "AAAA",
    };
    await workerHandler(forged);
    expect(logs.some((line) => line.includes('"job.dropped"') && line.includes("bad signature"))).toBe(true);
    expect(dooray.postsFor(hookId)).toEqual([]);
    expect(model.requests.some((request) => request.body.messages.at(-1)?.content === "hi")).toBe(false);
  });
});

describe("the AWS calls themselves", () => {
  let aws: FakeAws;
  beforeAll(async () => {
    aws = await startFakeAws();
  });
  afterAll(() => aws.close());
  const env = () => ({ AWS_REGION: REGION, AWS_ACCESS_KEY_ID: "AKIAFAKE", AWS_SECRET_ACCESS_KEY: "s", AWS_ENDPOINT_URL: aws.url });

  it("GetSecretValue returns the string, undefined for a secret without a value, and AWS's error codes", async () => {
    aws.secrets.set("arn:1", "value-1");
    expect(await getSecretValue("arn:1", env())).toBe("value-1");
    expect(await getSecretValue("arn:missing", env())).toBeUndefined();
    aws.failGetSecret = { status: 400, type: "ThrottlingException" };
    await expect(getSecretValue("arn:1", env())).rejects.toMatchObject({ code: "ThrottlingException" });
    aws.failGetSecret = undefined;
  });

  it("Invoke sends the payload as an Event invocation and reports access denied", async () => {
    await invokeAsync("fn", { hello: "세계" }, env());
    expect(aws.requests.at(-1)).toMatchObject({ path: "/2015-03-31/functions/fn/invocations", body: '{"hello":"세계"}' });
    aws.failInvoke = { status: 403, type: "AccessDeniedException" };
    const error = await invokeAsync("fn", {}, env()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ service: "lambda", code: "AccessDeniedException", status: 403 });
  });

  it("refuses nothing silently: a closed endpoint is a NetworkError", async () => {
    await expect(getSecretValue("arn:1", { ...env(), AWS_ENDPOINT_URL: "http://127.0.0.1:9" })).rejects.toMatchObject({ code: "NetworkError" });
  });
});
