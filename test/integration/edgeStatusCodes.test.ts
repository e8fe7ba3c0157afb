import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { commandPayload, startHarness, TENANT_ID, type Harness } from "../support/harness.js";

describe("the edge refuses bad requests with the documented status codes and reaches no one", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ DOORAY_TENANT_IDS: `${TENANT_ID},42`, RESPONSE_URL_HOSTS: "127.0.0.1,*.dooray.com" });
  });
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) => h.send({ method: "POST", headers, body });
  const json = (fields: Record<string, unknown>) => post(JSON.stringify(commandPayload({ text: "질문", ...fields })));

  it.each(["GET", "PUT", "DELETE"])("405 for %s", async (method) => {
    const response = await h.send({ method });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ text: messages.edge.methodNotAllowed });
  });

  it("413 for a body over 64 KiB, 200 for one just under", async () => {
    const over = await json({ text: "가".repeat(22_000) });
    expect(over.status).toBe(413);
    const under = await json({ text: "a".repeat(60_000) });
    expect(under.status).toBe(200);
    expect(((await under.json()) as { text: string }).text).toBe(messages.questionTooLong(4000));
  });

  it.each([
    ["malformed JSON", "{"],
    ["a JSON array", "[1,2]"],
    ["an empty body", ""],
  ])("400 for %s", async (_label, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ text: messages.edge.malformed });
  });

  it("400 for a missing field, 400 for a mistyped one", async () => {
    expect((await json({ channelId: undefined })).status).toBe(400);
    expect((await json({ userId: 5 })).status).toBe(400);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["wrong", "app-token-7f3c9a2e-1b4d-4c8e-9f60-2d5a7b8c9e00"],
    ["a number", 1],
  ])("401 for a %s appToken", async (_label, appToken) => {
    const response = await json({ appToken });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ text: messages.edge.unauthorized });
  });

  it.each([
    ["a wrong token and missing fields", { appToken: "wrong-token-000000", channelId: undefined, responseUrl: undefined }],
    ["a wrong token and mistyped fields", { appToken: "wrong-token-000000", userId: 5, text: [] }],
    ["no token and missing fields", { appToken: undefined, tenantId: undefined }],
    ["an empty token and a bad responseUrl", { appToken: "", responseUrl: "::not a url::" }],
  ])("401 for %s: the token is checked before the schema, which stays unknown to the caller", async (_label, fields) => {
    const response = await json(fields);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ text: messages.edge.unauthorized });
  });

  it("403 for a tenant not on the list", async () => {
    const response = await json({ tenantId: "999" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ text: messages.edge.tenantNotAllowed });
  });

  it.each([
    ["a host not listed", "http://127.0.0.2/messenger/api/commands/hook/x"],
    ["a look-alike", "https://dooray.com.evil.io/messenger/api/commands/hook/x"],
    ["an IP dressed as a host", "https://127.0.0.1.evil.example/hook"],
    ["userinfo tricks", "https://guide.dooray.com@evil.io/hook"],
    ["a file URL", "file:///etc/passwd"],
  ])("403 for a responseUrl with %s", async (_label, responseUrl) => {
    const response = await json({ responseUrl });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ text: messages.edge.responseUrlNotAllowed });
  });

  it("400 for an unparsable responseUrl", async () => {
    expect((await json({ responseUrl: "::not a url::" })).status).toBe(400);
  });

  it("accepts a base64 body (as a Function URL delivers non-text content types)", async () => {
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    const response = await post(JSON.stringify(commandPayload({ text: "바이너리로 온 질문", responseUrl })), { "content-type": "application/octet-stream" });
    expect(response.status).toBe(200);
    await h.dooray.waitFor(hookId, (found) => found.some((p) => p.body.text === "답변: 바이너리로 온 질문"));
  });

  it("no refused request reached the model or posted anywhere", async () => {
    await h.dev.idle();
    const questions = h.model.requests.map((request) => request.body.messages.at(-1)?.content);
    expect(questions).toEqual(["바이너리로 온 질문"]);
    expect(h.dooray.posts.map((p) => p.body.text)).toEqual(["답변: 바이너리로 온 질문"]);
  });
});
