import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest } from "../../handler/net/httpRequest.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** An answer whose status is not worth reading resolves on its status line; the rest are read to the end. */
describe("httpRequest: answers read by their status", () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const serve = async (handler: Handler) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  };
  const options = { headers: {}, timeoutMs: 10_000, maxResponseBytes: 1024, readBodyOf: (status: number) => status >= 300 };

  it("resolves a 202 on its status line, before its body has ended, and the connection stays usable", async () => {
    let endBody: () => void = () => undefined;
    const url = await serve((request, response) => {
      request.resume();
      if (request.url === "/second") return void response.writeHead(202).end();
      response.writeHead(202, { "transfer-encoding": "chunked" });
      response.flushHeaders();
      // The body ends only after the client has resolved: a client that waited for it would never resolve.
      endBody = () => response.end("late");
    });

    const first = await httpRequest(url, "{}", options);
    endBody();
    const second = await httpRequest(new URL("/second", url), "{}", options);

    expect(first).toEqual({ status: 202, headers: expect.objectContaining({ "transfer-encoding": "chunked" }), body: "", truncated: false });
    expect(second.status).toBe(202);
  });

  it("reads an error's body to its end (the caller needs its code)", async () => {
    const url = await serve((request, response) => {
      request.resume();
      response.writeHead(400, { "content-type": "application/json" });
      response.write('{"__type":"InvalidParameter');
      setImmediate(() => response.end('ValueException"}'));
    });

    const answer = await httpRequest(url, "{}", options);

    expect(answer).toMatchObject({ status: 400, body: '{"__type":"InvalidParameterValueException"}', truncated: false });
  });
});
