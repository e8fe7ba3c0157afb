import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readConfig, type BotConfig } from "../config.js";
import { handleCommand } from "../edge/handleCommand.js";
import type { FunctionUrlEvent } from "../edge/functionUrlEvent.js";
import { toFunctionUrlResult } from "../index.js";
import { createLogger, type Logger } from "../log.js";
import { secretsFor } from "../secrets.js";
import { runJob } from "../worker/runJob.js";

export interface DevServerOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly port?: number;
  readonly host?: string;
  readonly log?: Logger;
  /** The local stand-in for the function's timeout, which bounds each job as Lambda would. */
  readonly functionTimeoutMs?: number;
}

export interface DevServer {
  readonly url: string;
  readonly config: BotConfig;
  /** Resolves when every job dispatched so far has finished. */
  readonly idle: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** Reading stops here; the edge answers 413 to anything longer. */
const READ_LIMIT_BYTES = 64 * 1024 + 1;

/**
 * The local Function URL (DESIGN §8): each HTTP request becomes a payload-format-2.0 event for the same edge code
 * that runs in Lambda, and the dispatcher runs the worker in this process instead of through Lambda Invoke.
 * Throws ConfigError for an invalid environment before it listens.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const config = readConfig(options.env);
  const log = options.log ?? createLogger();
  const secrets = secretsFor(config, () => Promise.reject(new Error("Secrets Manager is not used locally")));
  const functionTimeoutMs = options.functionTimeoutMs ?? config.modelTimeoutMs + 15_000;
  const running = new Set<Promise<void>>();
  // A long-lived local server is a warm container: load the SDK now, not inside the first person's request.
  void import("openai").catch(() => undefined);

  const dispatch = async (job: unknown) => {
    const dispatchedAt = Date.now();
    // Like Lambda's queue: the acknowledgement goes out first, the job starts on a later turn of the event loop.
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => runJob(job, { config, secrets, log, now: Date.now, remainingMs: () => functionTimeoutMs - (Date.now() - dispatchedAt) }))
      .catch((error: unknown) => log("error", "job.crashed", { error }))
      .finally(() => running.delete(work));
    running.add(work);
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      let result;
      try {
        const event = await toEvent(request);
        result = toFunctionUrlResult(await handleCommand(event, { config, appToken: secrets.appToken, dispatch, log, now: Date.now }));
      } catch (error) {
        log("error", "request.crashed", { error });
        result = toFunctionUrlResult({ statusCode: 500, body: { text: "internal error" } });
      }
      response.writeHead(result.statusCode, result.headers).end(result.body);
    })();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8787, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    config,
    idle: async () => {
      while (running.size > 0) await Promise.all(running);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toEvent(request: IncomingMessage): Promise<FunctionUrlEvent> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (size < READ_LIMIT_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  const body = Buffer.concat(chunks).subarray(0, READ_LIMIT_BYTES);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(request.url ?? "/", "http://localhost");
  // Like a Function URL: text bodies arrive as text, anything else base64-encoded.
  const isText = /^(application\/json|text\/)/i.test(headers["content-type"] ?? "");
  return {
    requestContext: { http: { method: request.method ?? "GET" } },
    rawPath: url.pathname,
    headers,
    body: isText ? body.toString("utf8") : body.toString("base64"),
    isBase64Encoded: !isText,
  };
}
