export interface HttpRequestOptions {
  /** POST unless told: every call but the Dooray API's reads sends a body. */
  readonly method?: "GET" | "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Reading stops here and the connection is closed: an answer's size is the server's to choose, not ours. */
  readonly maxResponseBytes: number;
  /**
   * Whether an answer with this status is worth reading: when not, the request resolves on the status line with an
   * empty body, and the body is drained in the background (the connection stays reusable). An asynchronous Lambda
   * Invoke's 202 says all there is to say; waiting for its empty body's end costs a cold start ≈1.5 ms.
   */
  readonly readBodyOf?: (status: number) => boolean;
}

/** What came back over the wire: the status, the headers and at most maxResponseBytes of the body. */
export interface HttpResponse {
  readonly status: number;
  /** The answer's headers (lower-case names), e.g. Dooray's rate-limit counters. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** At most maxResponseBytes of the answer, as UTF-8. */
  readonly body: string;
  readonly truncated: boolean;
}

/**
 * One request over node:http(s), the cheapest transport on a cold start (global fetch's first use costs ≈40 ms). It
 * never follows a redirect (a 3xx is returned as it is, so a body never travels to a host nobody checked) and never
 * buffers more than `maxResponseBytes` of the answer. Rejects on a network error or when `timeoutMs` passes.
 */
export async function httpRequest(url: URL, body: string | undefined, options: HttpRequestOptions): Promise<HttpResponse> {
  // Load only the client in use: node:https brings TLS, which a loopback endpoint (tests, bench) never needs.
  // getBuiltinModule rather than import(): the bundle's ESM interop copies every export of the module (≈0.3 ms on
  // a cold start, npm run bench).
  const { request } = url.protocol === "http:" ? process.getBuiltinModule("node:http") : process.getBuiltinModule("node:https");
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
    const outgoing = request(url, { method: options.method ?? "POST", headers: { ...options.headers, ...length } }, (incoming) => {
      if (options.readBodyOf && !options.readBodyOf(incoming.statusCode ?? 0)) {
        clearTimeout(timer);
        incoming.resume();
        incoming.on("error", () => undefined);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: "", truncated: false });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) => {
        clearTimeout(timer);
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).subarray(0, options.maxResponseBytes).toString("utf8"),
          truncated,
        });
      };
      incoming.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          incoming.destroy();
          done(true);
        }
      });
      incoming.on("end", () => done(false));
      incoming.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // One deadline for the whole exchange (connect, send, answer), not an idle timeout that a slow drip resets.
    const timer = setTimeout(() => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body);
  });
}
