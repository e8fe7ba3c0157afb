import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, integer, readConfig, type BotConfig, type Env } from "../config.js";
import { postToDooray } from "../dooray/postToDooray.js";
import { handleFailedJob } from "../edge/handleFailedJob.js";
import { handleRequest } from "../edge/handleRequest.js";
import { toFunctionUrlResult, type FunctionUrlEvent } from "../edge/functionUrlEvent.js";
import { createLogger, type Logger } from "../log.js";
import { secretsFor } from "../secrets.js";
import { runJob } from "../worker/runJob.js";
import { readModelRouting } from "../model/modelRouting.js";
import { createWorkerPool } from "./workerPool.js";
import { dynamoCall } from "../aws/dynamodb.js";
import { isKnownTimeZone } from "../store/budgetDay.js";
import type { TableRef } from "../store/tableRef.js";
import { createTableIfMissing, startLocalTable } from "./localTable.js";
import { SAMPLE_TOKEN, startSampleDoorayApi } from "./sampleDoorayApi.js";
import { DEMO_MODEL_NAME, startDemoModel } from "./demoModel.js";

export interface DevServerOptions {
  readonly env: Env;
  readonly port?: number;
  readonly host?: string;
  readonly log?: Logger;
  /** With no key, no OPENAI_BASE_URL and no MODEL_ENDPOINTS, answer from the built-in demo model (dev and try). */
  readonly demoModel?: boolean;
}

/** Whether the environment names no model at all: the demo model then answers (npm run dev, npm run try). */
export function namesNoModel(env: Env): boolean {
  return !env.OPENAI_API_KEY?.trim() && !env.OPENAI_BASE_URL?.trim() && !env.MODEL_ENDPOINTS?.trim();
}

/** How the local worker pool plays Lambda's limits (docs/configuration.md, "The functions' variables"). */
export interface LocalLimits {
  /** WORKER_CONCURRENCY: answers at once (the worker's reserved concurrency). */
  readonly workerConcurrency: number;
  /** MAX_EVENT_AGE_SECONDS: longest wait for a free worker before the busy message. */
  readonly maxEventAgeSeconds: number;
  /** WORKER_TIMEOUT_SECONDS: the worker's time limit; a run past it is stopped and the person told. */
  readonly workerTimeoutSeconds: number;
}

export function readLocalLimits(env: Env, config: BotConfig): LocalLimits {
  return {
    workerConcurrency: integer(env, "WORKER_CONCURRENCY", 4, 1, 1000),
    maxEventAgeSeconds: integer(env, "MAX_EVENT_AGE_SECONDS", 300, 1, 21_600),
    workerTimeoutSeconds: integer(env, "WORKER_TIMEOUT_SECONDS", Math.ceil(config.modelTimeoutMs / 1000) + 15, 1, 900),
  };
}

export interface DevServer {
  readonly url: string;
  /** The sample Dooray API the channels' tools read, when a profile grants a scope and DOORAY_API_URL is not set. */
  readonly sampleDoorayApiUrl: string | undefined;
  /** The built-in demo model's base URL, when it answers instead of a real one. */
  readonly demoModelUrl: string | undefined;
  readonly config: BotConfig;
  /** The table budgets, job claims and conversations live in (an in-memory one unless BOT_TABLE is set). */
  readonly table: TableRef;
  /** Resolves when every job dispatched so far has finished. */
  readonly idle: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** Reading stops here; the edge answers 413 to anything longer. */
const READ_LIMIT_BYTES = 64 * 1024 + 1;

/**
 * The local Function URL: each HTTP request becomes a payload-format-2.0 event for the same edge code that runs in
 * Lambda, and the dispatcher hands jobs to a local worker pool with Lambda's limits instead of Lambda Invoke.
 * Throws ConfigError for an invalid environment before it listens.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  // A channel scope with no DOORAY_API_URL reads the sample Dooray API (docs/operations.md, "Dooray tools").
  const scoped = Object.values(readConfig(options.env).channelProfiles).some((profile) => profile.dooray);
  const sample = scoped && !options.env.DOORAY_API_URL?.trim() ? await startSampleDoorayApi() : undefined;
  const demo = options.demoModel && namesNoModel(options.env) ? await startDemoModel() : undefined;
  const env = {
    ...options.env,
    ...(sample ? { DOORAY_API_URL: sample.url, DOORAY_API_TOKEN: SAMPLE_TOKEN } : {}),
    ...(demo ? { OPENAI_BASE_URL: demo.baseUrl, BOT_MODEL: DEMO_MODEL_NAME } : {}),
  };
  const config = { ...readConfig(env), ...readModelRouting(options.env) };
  const limits = readLocalLimits(options.env, config);
  const log = options.log ?? createLogger();
  const secrets = secretsFor(config, () => Promise.reject(new Error("Secrets Manager is not used locally")));
  if (!isKnownTimeZone(config.budgetTimeZone)) throw new ConfigError("BUDGET_TIME_ZONE", `"${config.budgetTimeZone}" is not a time zone this Node.js knows`);
  const local = config.tableName ? undefined : await startLocalTable(options.env.LOCAL_TABLE_PATH ? { path: options.env.LOCAL_TABLE_PATH } : {});
  const table: TableRef = local ?? { call: dynamoCall(options.env), table: config.tableName! };
  if (!local && options.env.AWS_ENDPOINT_URL_DYNAMODB) await createTableIfMissing(table.call, table.table);
  // A long-lived local server is a warm container: load the SDK now, not inside the first person's request.
  void import("openai").catch(() => undefined);

  const workers = createWorkerPool({
    concurrency: limits.workerConcurrency,
    maxEventAgeMs: limits.maxEventAgeSeconds * 1000,
    timeoutMs: limits.workerTimeoutSeconds * 1000,
    log,
    run: (job, invocation) =>
      runJob(job, {
        config,
        secrets,
        log,
        now: Date.now,
        remainingMs: invocation.remainingMs,
        table,
        awsEnv: options.env,
        // A run stopped at its time limit is gone, as in Lambda: nothing it still tries to post arrives.
        post: (url, message, postOptions) =>
          invocation.alive() ? postToDooray(url, message, postOptions) : Promise.resolve({ ok: false, attempts: 0, reason: "worker stopped" }),
      }),
    onFailure: (record) => handleFailedJob(record, { config, jobTokens: secrets.jobTokens, log, now: Date.now, table }),
  });

  const server: Server = createServer((request, response) => {
    void (async () => {
      let result;
      try {
        const event = await toEvent(request);
        result = toFunctionUrlResult(
          await handleRequest(event, {
            config,
            appToken: secrets.appToken,
            dispatch: workers.dispatch,
            log,
            now: Date.now,
            table,
            refTokens: () => secrets.jobTokens(),
          }),
        );
      } catch (error) {
        log("error", "request.crashed", { error });
        result = toFunctionUrlResult({ statusCode: 500, body: { text: "internal error" } });
      }
      response.writeHead(result.statusCode, result.headers).end(result.body);
    })();
  });
  server.keepAliveTimeout = 5_000;

  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8787;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new ConfigError("PORT", `${port} is already in use on ${host}; set PORT to a free port (or 0 for any)`) : error);
    });
    server.listen(port, host, resolve);
  }).catch(async (error: unknown) => {
    await local?.close();
    await sample?.close();
    await demo?.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    sampleDoorayApiUrl: sample?.url,
    demoModelUrl: demo?.baseUrl,
    config,
    table,
    idle: workers.idle,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await local?.close();
      await sample?.close();
      await demo?.close();
    },
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
