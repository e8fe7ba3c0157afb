import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { sdkFetch } from "../../handler/net/sdkFetch.js";
import { listen, readBody, type Listening } from "../support/listen.js";

/** The openai SDK's fetch over node:http, against a server on loopback that the test drives step by step. */
describe("sdkFetch", () => {
  let server: Listening | undefined;
  afterEach(() => server?.close());

  /** A server that records each request and hands its response to the test. */
  async function start() {
    const requests: { method: string; headers: Record<string, unknown>; body: string }[] = [];
    const responses: ServerResponse[] = [];
    const waiting: ((response: ServerResponse) => void)[] = [];
    server = await listen((request, response) => {
      void readBody(request).then((body) => {
        requests.push({ method: request.method ?? "", headers: request.headers, body });
        const next = waiting.shift();
        if (next) next(response);
        else responses.push(response);
      });
    });
    const nextResponse = () => new Promise<ServerResponse>((resolve) => (responses.length > 0 ? resolve(responses.shift()!) : waiting.push(resolve)));
    return { url: server.url, requests, nextResponse };
  }

  /** An event stream opened, its first chunk sent and read: the server's response and the body's reader. */
  async function openStream(signal?: AbortSignal) {
    const { url, nextResponse } = await start();
    const pending = sdkFetch(`${url}/stream`, { method: "POST", body: "{}", ...(signal ? { signal } : {}) });
    const answer = await nextResponse();
    answer.writeHead(200, { "content-type": "text/event-stream" });
    answer.write("data: 첫 말\n\n");
    const reader = (await pending).body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    return { answer, reader, first };
  }

  it("sends the method, the SDK's headers and the body with its length, and gives back status and headers", async () => {
    const { url, requests, nextResponse } = await start();
    const pending = sdkFetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: new Headers({ Authorization: "Bearer sk-test", "Content-Type": "application/json" }),
      body: '{"질문":"배포"}',
    });
    (await nextResponse()).writeHead(429, { "retry-after-ms": "10", "content-type": "application/json" }).end('{"error":{"message":"slow down"}}');
    const response = await pending;
    expect(requests[0]).toMatchObject({
      method: "POST",
      body: '{"질문":"배포"}',
      headers: { authorization: "Bearer sk-test", "content-type": "application/json", "content-length": String(Buffer.byteLength('{"질문":"배포"}')) },
    });
    expect([response.ok, response.status, response.headers.get("retry-after-ms")]).toEqual([false, 429, "10"]);
    expect(await response.json()).toEqual({ error: { message: "slow down" } });
  });

  it("streams the body as it arrives: the first words are readable before the answer ends", async () => {
    const { answer, reader, first } = await openStream();
    expect(first).toBe("data: 첫 말\n\n");
    answer.end("data: [DONE]\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: [DONE]\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  it("errors the body when the connection is cut before the end: a cut-off answer never passes for a whole one", async () => {
    const { answer, reader } = await openStream();
    answer.socket!.destroy();
    await expect(reader.read()).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("rejects with an AbortError when aborted before the answer, and at once when the signal was aborted already", async () => {
    const { url, nextResponse } = await start();
    const early = new AbortController();
    const before = sdkFetch(`${url}/a`, { method: "POST", body: "{}", signal: early.signal });
    await nextResponse();
    early.abort();
    await expect(before).rejects.toMatchObject({ name: "AbortError" });
    await expect(sdkFetch(`${url}/b`, { signal: early.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("errors the body with an AbortError when aborted during the answer", async () => {
    const late = new AbortController();
    const { reader } = await openStream(late.signal);
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });
});
