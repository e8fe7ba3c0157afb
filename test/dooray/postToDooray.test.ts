import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postToDooray } from "../../handler/dooray/postToDooray.js";
import { listen, readBody, type Listening } from "../support/listen.js";

const ONCE = { attempts: 1, backoffMs: 0, timeoutMs: 5_000 };
const OK = JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: "" } });

/** What a responseUrl answers can be hostile: a redirect elsewhere, or an endless body. */
describe("posting to a responseUrl", () => {
  let elsewhere: Listening;
  let hostile: Listening;
  const elsewhereBodies: string[] = [];
  let hugeBytesWritten = 0;
  beforeAll(async () => {
    elsewhere = await listen(async (request, response) => {
      elsewhereBodies.push(await readBody(request));
      response.writeHead(200, { "content-type": "application/json" }).end(OK);
    });
    hostile = await listen(async (request, response) => {
      await readBody(request);
      if (request.url?.startsWith("/redirect/")) {
        const status = Number(request.url.split("/")[2]);
        return response.writeHead(status, { location: `${elsewhere.url}/stolen` }).end();
      }
      // An answer that never ends: 64 KiB chunks until the client hangs up, 300 MB at most.
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (hugeBytesWritten < 300 * 1024 * 1024) {
          hugeBytesWritten += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      response.on("close", () => response.removeAllListeners("drain"));
      pump();
    });
  });
  afterAll(() => Promise.all([elsewhere.close(), hostile.close()]));

  it.each([301, 302, 307, 308])("never follows a %i redirect: the answer goes nowhere else, and the post counts as failed", async (status) => {
    const result = await postToDooray(`${hostile.url}/redirect/${status}`, { text: "비밀 답변" }, ONCE);
    expect(result).toMatchObject({ ok: false, reason: `HTTP ${status}` });
    expect(elsewhereBodies).toEqual([]);
  });

  it("reads only a few KiB of the answer, however much the server sends", async () => {
    const result = await postToDooray(`${hostile.url}/huge`, { text: "답변" }, ONCE);
    expect(result.ok).toBe(false);
    // Socket buffers hold some; a client that reads everything lets the server write all 300 MB.
    expect(hugeBytesWritten).toBeLessThan(16 * 1024 * 1024);
  });

  it("still succeeds on Dooray's normal answer", async () => {
    expect(await postToDooray(`${elsewhere.url}/ok`, { text: "답변" }, ONCE)).toEqual({ ok: true, attempts: 1 });
  });
});
