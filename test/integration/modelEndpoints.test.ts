import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { localCredentials, startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import { endpointKey, PARTITION_KEY } from "../../handler/store/tableKeys.js";
import { startFakeOpenAI, usageOf, type FakeOpenAIOptions } from "../support/fakeOpenAI.js";
import { CHANNEL_ID, finalPosts, startHarness, type Harness } from "../support/harness.js";
import { listen } from "../support/listen.js";

/**
 * Questions go to a list of endpoints in order (MODEL_ENDPOINTS), and on to the next before the first word when
 * one fails; the failed one cools down for every container through the table. Each test names its endpoints
 * afresh, so one test's cooldowns never reach another's.
 */
describe("model endpoints: failover before the first word, with a cooldown every container shares", () => {
  let table: LocalTable;
  const started: { close: () => Promise<void> }[] = [];
  const harnesses: Harness[] = [];
  let names = 0;

  beforeAll(async () => {
    table = await startLocalTable();
  });
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  afterAll(() => table.close());

  const fake = async (options: FakeOpenAIOptions = {}) => {
    const server = await startFakeOpenAI(options);
    started.push(server);
    return server;
  };
  /** An endpoint entry for MODEL_ENDPOINTS, named uniquely for this test. */
  const entry = (server: { baseUrl: string } | string, fields: Record<string, unknown> = {}) => ({
    name: `ep-${++names}`,
    baseUrl: typeof server === "string" ? server : server.baseUrl,
    model: "gpt-test",
    residency: "global",
    apiKey: "sk-endpoint-key-0123456789",
    ...fields,
  });
  /** A worker against the shared table: each is its own container (its own cooldown cache). */
  const worker = async (endpoints: unknown[], env: Record<string, string> = {}) => {
    const h = await startHarness({ ...localCredentials(table.endpoint), BOT_TABLE: table.table, MODEL_ENDPOINTS: JSON.stringify(endpoints), ...env });
    harnesses.push(h);
    return h;
  };
  const ask = async (h: Harness, question: string) => {
    const { hookId } = await h.command(question);
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    await h.dev.idle();
    return finalPosts(posts)[0]!.body.text;
  };
  const events = (h: Harness, event: string) => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === event);
  const refusedUrl = async () => {
    // A port that was just free: nothing listens on it, so the connection is refused.
    const server = await listen(() => undefined);
    await server.close();
    return `${server.url}/v1`;
  };

  it("a 503 goes on to the next endpoint: the answer comes from it, the budget settles on its usage alone, and the failed one cools down in the table for Retry-After", async () => {
    const down = await fake({ status: 503, retryAfter: "7" });
    const backup = await fake();
    const [primary, second] = [entry(down), entry(backup)];
    const h = await worker([primary, second]);
    const before = Date.now();
    expect(await ask(h, "배포 체크리스트")).toBe("답변: 배포 체크리스트");
    expect(down.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    // One retry loop: the SDK's own retries are off with an endpoint behind.
    const [failover] = events(h, "model.failover");
    expect(failover).toMatchObject({
      endpoint: primary.name,
      reason: "overloaded",
      cooldownSeconds: 7,
      next: second.name,
      error: { status: 503 },
      EndpointFailures: 1,
      Endpoint: primary.name,
    });
    const finished = events(h, "job.finished")[0]!;
    const reported = usageOf(backup.requests[0]!.body.messages, "답변: 배포 체크리스트");
    expect(finished).toMatchObject({ outcome: "answered", endpoint: second.name, failovers: 1, usedTokens: reported.total_tokens, usageReported: true });
    const row = await table.call("GetItem", { TableName: table.table, Key: { [PARTITION_KEY]: { S: endpointKey(primary.name) } } });
    const until = Number((row.Item as Record<string, { N: string }>).until!.N);
    expect(until).toBeGreaterThanOrEqual(before + 7_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 7_000);

    // Another container, the same table: it reads the cooldown and asks the second endpoint first.
    const other = await worker([primary, second]);
    expect(await ask(other, "다른 컨테이너에서")).toBe("답변: 다른 컨테이너에서");
    expect(down.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(2);
    expect(events(other, "model.failover")).toEqual([]);
    expect(events(other, "job.finished")[0]).toMatchObject({ endpoint: second.name, failovers: 0 });
  });

  it.each([
    ["429 (rate limited)", async () => entry(await fake({ status: 429 })), "overloaded"],
    ["a refused connection", async () => entry(await refusedUrl()), "unreachable"],
    ["401 (a key the endpoint refuses), with the misconfiguration metric", async () => entry(await fake({ status: 401 })), "misconfigured"],
  ])("%s goes on to the next endpoint", async (_label, first, reason) => {
    const primary = await first();
    const backup = await fake();
    const h = await worker([primary, entry(backup)]);
    expect(await ask(h, "다음 엔드포인트로")).toBe("답변: 다음 엔드포인트로");
    const [failover] = events(h, "model.failover");
    expect(failover).toMatchObject({ endpoint: primary.name, reason });
    expect(Boolean(failover!.EndpointMisconfigured)).toBe(reason === "misconfigured");
    expect(failover!.cooldownSeconds).toBe(reason === "misconfigured" ? 300 : 30);
  });

  it("no failover on a 400 (the request itself): the next endpoint is never asked", async () => {
    const first = await fake();
    const backup = await fake();
    const h = await worker([entry(first), entry(backup)]);
    expect(await ask(h, "[[echo:400]] 잘못된 요청")).toBe(messages.modelFailed);
    expect(backup.requests).toHaveLength(0);
    expect(events(h, "job.finished")[0]).toMatchObject({ outcome: "modelFailed", failovers: 0 });
  });

  it("no failover after the first word: the person keeps what arrived and why it stopped, and the next endpoint is never asked", async () => {
    const first = await fake();
    const backup = await fake();
    const h = await worker([entry(first), entry(backup)]);
    const text = await ask(h, "[[broken]] 끊어지는 스트림에서 앞부분이라도 보여 주세요, 부탁해요");
    expect(text.startsWith("답변: [[broken]]")).toBe(true);
    expect(text.endsWith(`⚠️ ${messages.streamBroken}`)).toBe(true);
    expect(backup.requests).toHaveLength(0);
  });

  it("every endpoint failing: one message, the hold given back whole, and the all-failed metric", async () => {
    const h = await worker([entry(await fake({ status: 503 })), entry(await fake({ status: 502 }))]);
    expect(await ask(h, "모두 실패")).toBe(messages.modelFailed);
    expect(events(h, "model.failover")).toHaveLength(2);
    expect(events(h, "job.finished")[0]).toMatchObject({ outcome: "modelFailed", failovers: 2, usedTokens: 0, AllEndpointsFailed: 1 });
  });

  it("a kr channel never reaches a global endpoint: its kr endpoint failing, the person is told the question stayed in Korea", async () => {
    const korea = await fake({ status: 503 });
    const abroad = await fake();
    const h = await worker([entry(korea, { residency: "kr" }), entry(abroad)], {
      CHANNEL_PROFILES: JSON.stringify({ [CHANNEL_ID]: { name: "재무", residency: "kr" } }),
    });
    expect(await ask(h, "국내에서만")).toBe(`${messages.modelFailed}\n${messages.keptInKorea}`);
    expect(korea.requests).toHaveLength(1);
    expect(abroad.requests).toHaveLength(0);
  });

  it("a kr channel with no kr endpoint sends nothing and says why", async () => {
    const abroad = await fake();
    const h = await worker([entry(abroad)], { MODEL_RESIDENCY: "kr" });
    expect(await ask(h, "보내지 마세요")).toBe(messages.noEndpointInKorea);
    expect(abroad.requests).toHaveLength(0);
    expect(events(h, "job.finished")[0]).toMatchObject({ outcome: "refused", reason: "residency", residency: "kr" });
  });

  it("an aws endpoint is called with the role's credentials, SigV4-signed for bedrock (the fake recomputes the signature with the AWS SDK's signer)", async () => {
    const credentials = { accessKeyId: "ASIAWORKERROLE", secretAccessKey: "worker-role-secret", sessionToken: "worker-role-session" };
    const bedrock = await fake({ sigV4: { region: "ap-northeast-2", credentials } });
    const env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken };
    const seoul = { name: `ep-${++names}`, baseUrl: `${bedrock.url}/openai/v1`, model: "openai.gpt-oss-120b-1:0", residency: "kr", auth: "aws" };
    const h = await worker([seoul], env);
    expect(await ask(h, "서울 리전에서")).toBe("답변: 서울 리전에서");
    expect(bedrock.requests[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAWORKERROLE\/\d{8}\/ap-northeast-2\/bedrock\/aws4_request, /);
    expect(bedrock.requests[0]!.body.model).toBe("openai.gpt-oss-120b-1:0");

    // Other credentials do not make a signature the endpoint accepts.
    const wrong = await worker([seoul], { ...env, AWS_SECRET_ACCESS_KEY: "not-the-role-secret" });
    expect(await ask(wrong, "다른 자격 증명")).toBe(messages.keyRejected);
  });

  it("cached prompt tokens go into the closing line, the metrics and the cost at the cached-input price; the prompt's prefix stays the same from question to question", async () => {
    const caching = await fake({ cachedPromptTokens: 40 });
    const h = await worker([entry(caching)], { MODEL_PRICE_INPUT_PER_MTOK: "1", MODEL_PRICE_CACHED_INPUT_PER_MTOK: "0.25", MODEL_PRICE_OUTPUT_PER_MTOK: "2" });
    await ask(h, "첫 질문");
    await ask(h, "두 번째 질문은 다릅니다");
    const [first, second] = caching.requests;
    expect(second!.body.messages[0]).toEqual(first!.body.messages[0]);
    expect(first!.body.messages[0]!.role).toBe("system");
    const finished = events(h, "job.finished")[0]!;
    const usage = usageOf(first!.body.messages, "답변: 첫 질문");
    expect(finished).toMatchObject({ cachedTokens: 40, CachedInputTokens: 40, InputTokens: usage.prompt_tokens });
    expect(finished.EstimatedCostUSD).toBeCloseTo(((usage.prompt_tokens - 40) * 1 + 40 * 0.25 + usage.completion_tokens * 2) / 1_000_000, 12);
  });
});
