/**
 * The `fetch` the openai SDK is given: one request over node:http(s) (the agent's kept-alive connections), the
 * answer's body as a web stream as it arrives. With Node's global fetch (undici) a cold worker posts its first words
 * ≈12 ms later (npm run bench:cold-path; docs/architecture.md, "Cold start"), and each warm call costs the SDK more
 * too. It does what the SDK asks of a fetch and no more: the
 * method, headers, a string body and the abort signal; the status, headers and a streamed body back. No redirect is
 * followed (the model's API sends none), nothing is decompressed (nothing compressed is asked for).
 */
export async function sdkFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const headers = headerObject(init.headers);
  const body = init.body ?? undefined;
  if (body !== undefined && typeof body !== "string") throw new TypeError("sdkFetch sends string bodies only");
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  const { request } = url.protocol === "http:" ? process.getBuiltinModule("node:http") : process.getBuiltinModule("node:https");
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? "GET", headers }, (incoming) => {
      let ended = false;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          incoming.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
          incoming.on("end", () => {
            ended = true;
            controller.close();
          });
          // A connection cut before the end is an error, never a quiet end: a cut-off answer must not pass for a whole one.
          incoming.on("close", () => {
            if (!ended)
              controller.error(
                signal?.aborted ? abortError() : Object.assign(new Error("the connection closed before the answer ended"), { code: "ECONNRESET" }),
              );
          });
        },
        cancel() {
          incoming.destroy();
        },
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const status = incoming.statusCode ?? 0;
      const text = async () => {
        const decoder = new TextDecoder();
        let all = "";
        for await (const chunk of stream) all += decoder.decode(chunk, { stream: true });
        return all + decoder.decode();
      };
      // What the SDK reads of a response; the rest of Response's surface is never used on this path.
      const response = {
        ok: status >= 200 && status < 300,
        status,
        statusText: incoming.statusMessage ?? "",
        url: url.href,
        redirected: false,
        headers: responseHeaders,
        body: stream,
        text,
        json: async () => JSON.parse(await text()) as unknown,
      };
      resolve(response as unknown as Response);
    });
    const onAbort = () => outgoing.destroy(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.on("close", () => signal?.removeEventListener("abort", onAbort));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** What a fetch rejects with when its signal aborts (the SDK tells an abort from a failure by this name). */
const abortError = () => new DOMException("This operation was aborted", "AbortError");

function headerObject(headers: RequestInit["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  if (!headers) return result;
  if (headers instanceof Headers) headers.forEach((value, name) => (result[name] = value));
  else for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) result[name.toLowerCase()] = String(value);
  return result;
}
