import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { API_KEY, finalPosts, startHarness, type Harness } from "../support/harness.js";
import { listen } from "../support/listen.js";

describe("when the model fails, the person gets a short Korean message and the server keeps serving", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ MODEL_TIMEOUT_MS: "1000" });
  });
  // Each test's job finishes (its closing log line written) before the next one starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  it.each([
    ["rate limited (429)", "[[status:429]] 질문", messages.rateLimited, "rateLimited"],
    ["a server error (500)", "[[status:500]] 질문", messages.modelFailed, "modelFailed"],
    ["a bad gateway (502)", "[[status:502]] 질문", messages.modelFailed, "modelFailed"],
    ["the key refused (401)", "[[status:401]] 질문", messages.keyRejected, "keyRejected"],
    ["slower than the time we allow", "[[slow:3000]] 질문", messages.timedOut, "timedOut"],
  ])("%s", async (_label, question, expected, failure) => {
    const { status, body, hookId } = await h.command(question);
    expect(status).toBe(200);
    expect(body.text).toBe(messages.ack);
    const posts = await h.dooray.waitFor(hookId, (found) => found.length === 1);
    expect(posts[0]!.body).toEqual({ text: expected, responseType: "ephemeral", replaceOriginal: true });
    await h.dev.idle();
    const logged = h.logs.map((line) => JSON.parse(line)).find((entry) => entry.event === "job.finished" && entry.outcome === failure);
    expect(logged).toBeDefined();
  });

  it("keeps what arrived before a broken stream, and says it broke", async () => {
    const { hookId } = await h.command("[[broken]] 끊어지는 스트림에서 앞부분이라도 보여 주세요, 부탁해요");
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    const text = finalPosts(posts)[0]!.body.text;
    expect(text.startsWith("답변: [[broken]] 끊어지는")).toBe(true);
    expect(text.endsWith(`⚠️ ${messages.streamBroken}`)).toBe(true);
  });

  it("a deadline in the middle of the stream is a timeout: the partial answer plus the timeout notice", async () => {
    const question = "[[gap:250]] 천천히 길게 답해 주세요. 배포 전에 확인할 항목을 하나씩 자세히 설명해 주세요.";
    const logsBefore = h.logs.length;
    const { hookId } = await h.command(question);
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    const text = finalPosts(posts)[0]!.body.text;
    expect(text.startsWith("답변: [[gap:250]]")).toBe(true);
    expect(text.endsWith(`\n\n⚠️ ${messages.timedOut}`)).toBe(true);
    const partial = text.slice(0, -`\n\n⚠️ ${messages.timedOut}`.length);
    expect(`답변: ${question}`.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(`답변: ${question}`.length);
    await h.dev.idle();
    const finished = h.logs
      .slice(logsBefore)
      .map((line) => JSON.parse(line))
      .find((entry) => entry.event === "job.finished");
    expect(finished).toMatchObject({ outcome: "timedOut" });
  });

  it("a deadline after the stream opened but before the first words is a timeout, not an empty answer", async () => {
    const { hookId } = await h.command("[[gap:1500]] 첫 글자가 늦어요");
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    expect(finalPosts(posts)[0]!.body.text).toBe(messages.timedOut);
  });

  it("still answers normally afterwards", async () => {
    const { hookId } = await h.command("괜찮아요?");
    const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
    expect(posts.at(-1)!.body.text).toBe("답변: 괜찮아요?");
  });
});

describe("a local OpenAI-compatible server needs no key", () => {
  it("answers with OPENAI_BASE_URL set and OPENAI_API_KEY unset", async () => {
    const h = await startHarness({ OPENAI_API_KEY: "" }, {});
    try {
      const { hookId } = await h.command("로컬 모델에게");
      const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
      expect(finalPosts(posts)[0]!.body.text).toBe("답변: 로컬 모델에게");
    } finally {
      await h.close();
    }
  });
});

describe("configuration problems reach the person too", () => {
  it.each<[string, Record<string, string>, string]>([
    [
      "says the key is not configured (the default endpoint needs one), with no model call",
      { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" },
      messages.notConfigured,
    ],
    ["says the key was refused when the endpoint rejects it", { OPENAI_API_KEY: "sk-wrong-key-000000" }, messages.keyRejected],
    ["says the model failed when the endpoint cannot be reached", { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }, messages.modelFailed],
  ])("%s", async (_label, env, expected) => {
    const h = await startHarness(env);
    try {
      const { hookId } = await h.command("질문");
      const posts = await h.dooray.waitFor(hookId, (found) => found.length === 1);
      expect(posts[0]!.body.text).toBe(expected);
      if (env.OPENAI_API_KEY === "") expect(h.model.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

describe("a model endpoint that cannot be reached", () => {
  it("tells the operator why, by the connection's error code, and nothing of the question", async () => {
    // A port that was free a moment ago: nothing listens there (port 9 would be refused by fetch itself).
    const closed = await listen(() => undefined);
    await closed.close();
    const h = await startHarness({ OPENAI_BASE_URL: `${closed.url}/v1` });
    try {
      const { hookId } = await h.command("닿지 않는 모델에게");
      await h.dooray.waitFor(hookId, (found) => found.length === 1);
      await h.dev.idle();
      const logged = h.logs.map((line) => JSON.parse(line)).find((entry) => entry.event === "job.modelError");
      expect(logged).toMatchObject({ failure: "unreachable", error: { class: "APIConnectionError", causeCode: "ECONNREFUSED" } });
      expect(h.logs.join("\n")).not.toContain("닿지 않는 모델에게");
    } finally {
      await h.close();
    }
  });
});

describe("an OpenAI-compatible server that takes max_tokens only", () => {
  it("is asked again with max_tokens after its 400, once per container, and the person gets the answer", async () => {
    const h = await startHarness({}, { apiKey: API_KEY, onlyMaxTokens: true });
    try {
      for (const question of ["첫 질문", "두 번째 질문"]) {
        const { hookId } = await h.command(question);
        const posts = await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
        expect(finalPosts(posts)[0]!.body.text).toBe(`답변: ${question}`);
        await h.dev.idle();
      }
      const fields = h.model.requests.map((request) => ("max_completion_tokens" in request.body ? "max_completion_tokens" : "max_tokens"));
      expect(fields).toEqual(["max_completion_tokens", "max_tokens", "max_tokens"]);
      expect(h.logs.filter((line) => line.includes('"model.maxTokensFieldRefused"'))).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("is sent max_tokens from the start with MODEL_MAX_TOKENS_FIELD=max_tokens", async () => {
    const h = await startHarness({ MODEL_MAX_TOKENS_FIELD: "max_tokens", BOT_MAX_OUTPUT_TOKENS: "321" }, { apiKey: API_KEY, onlyMaxTokens: true });
    try {
      const { hookId } = await h.command("질문");
      await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
      expect(h.model.requests.map((request) => request.body.max_tokens)).toEqual([321]);
    } finally {
      await h.close();
    }
  });
});
