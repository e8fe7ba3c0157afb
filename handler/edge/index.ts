import { commandMessages } from "../dooray/commandMessages.js";
import { createLogger } from "../log.js";
import type { LambdaContext } from "../lambdaContext.js";
import { loadRuntime, type Runtime } from "../runtime.js";
import { isFailureRecord } from "./failureRecord.js";
import { isFunctionUrlEvent, toFunctionUrlResult, type FunctionUrlResult } from "./functionUrlEvent.js";
import { handleRequest } from "./handleRequest.js";

const log = createLogger();

/**
 * The edge function's entry: Dooray's requests through the Function URL, and the worker's on-failure records.
 * Thin by design (docs/architecture.md, "Cold start"): no SDK, no worker code; presses, dialogs, usage and the
 * on-failure path are files of their own, loaded only when used, like the Lambda Invoke client.
 */
export async function handler(event: unknown, context: LambdaContext = {}): Promise<FunctionUrlResult | undefined> {
  let runtime: Runtime;
  try {
    runtime = loadRuntime();
  } catch (error) {
    log("error", "config.invalid", { error });
    return isFunctionUrlEvent(event) ? toFunctionUrlResult({ statusCode: 500, body: { text: commandMessages.edge.misconfigured } }) : undefined;
  }
  const { config, secrets, table } = runtime;

  if (isFunctionUrlEvent(event)) {
    const result = await handleRequest(event, {
      config,
      appToken: secrets.appToken,
      dispatch: async (job) => {
        if (!config.workerFunctionName) throw new Error("WORKER_FUNCTION_NAME is not set");
        await (await import("../aws/invokeAsync.js")).invokeAsync(config.workerFunctionName, job);
      },
      log,
      now: Date.now,
      table,
      refTokens: () => secrets.jobTokens(),
    });
    return toFunctionUrlResult(result);
  }
  if (isFailureRecord(event)) {
    const { handleFailedJob } = await import("./handleFailedJob.js");
    const remainingMs = context.getRemainingTimeInMillis?.bind(context);
    await handleFailedJob(event, { config, jobTokens: secrets.jobTokens, log, now: Date.now, table, ...(remainingMs ? { remainingMs } : {}) });
    return undefined;
  }
  log("warn", "event.ignored", { reason: "neither a Function URL request nor an on-failure record" });
  return undefined;
}
