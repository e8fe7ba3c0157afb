import { readConfig, type BotConfig } from "./config.js";
import { handleCommand } from "./edge/handleCommand.js";
import { isFunctionUrlEvent, type FunctionUrlResult } from "./edge/functionUrlEvent.js";
import { isSignedJobShape } from "./job/signedJob.js";
import { createLogger } from "./log.js";
import { messages } from "./messages.js";
import { secretsFor, type Secrets } from "./secrets.js";
import type { HttpResult } from "./types.js";

/**
 * The Lambda entry. One function, two paths, chosen by the event's shape: a Function URL request runs the edge
 * (thin: no SDK is loaded), a signed job runs the worker (loaded on first use, with the `openai` SDK).
 */
interface LambdaContext {
  readonly awsRequestId?: string;
  readonly getRemainingTimeInMillis?: () => number;
}

const log = createLogger();
let runtime: { config: BotConfig; secrets: Secrets } | undefined;

function loadRuntime(): { config: BotConfig; secrets: Secrets } {
  if (!runtime) {
    const config = readConfig(process.env);
    const secrets = secretsFor(config, async () => (await import("./aws/getSecretValue.js")).getSecretValue);
    runtime = { config, secrets };
  }
  return runtime;
}

export async function handler(event: unknown, context: LambdaContext = {}): Promise<FunctionUrlResult | undefined> {
  let current: { config: BotConfig; secrets: Secrets };
  try {
    current = loadRuntime();
  } catch (error) {
    log("error", "config.invalid", { error });
    return isFunctionUrlEvent(event) ? toFunctionUrlResult({ statusCode: 500, body: { text: messages.edge.misconfigured } }) : undefined;
  }
  const { config, secrets } = current;

  if (isFunctionUrlEvent(event)) {
    const result = await handleCommand(event, {
      config,
      appToken: secrets.appToken,
      dispatch: async (job) => (await import("./aws/invokeAsync.js")).invokeAsync(process.env.AWS_LAMBDA_FUNCTION_NAME ?? "", job),
      log,
      now: Date.now,
    });
    return toFunctionUrlResult(result);
  }
  if (isSignedJobShape(event)) {
    const { runJob } = await import("./worker/runJob.js");
    await runJob(event, {
      config,
      secrets,
      log,
      now: Date.now,
      remainingMs: () => context.getRemainingTimeInMillis?.() ?? config.modelTimeoutMs + 10_000,
    });
    return undefined;
  }
  log("warn", "event.ignored", { reason: "neither a Function URL request nor a job" });
  return undefined;
}

export function toFunctionUrlResult(result: HttpResult): FunctionUrlResult {
  return {
    statusCode: result.statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(result.body),
  };
}

/** For tests: read the environment again on the next event. */
export function resetRuntime(): void {
  runtime = undefined;
}
