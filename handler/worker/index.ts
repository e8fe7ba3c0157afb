import { ConfigError } from "../config.js";
import { VARIABLES } from "../functionEnvironment.js";
import type { LambdaContext } from "../lambdaContext.js";
import { createLogger } from "../log.js";
import { loadRuntime } from "../runtime.js";
import { readModelRouting } from "../model/modelRouting.js";
import { runJob } from "./runJob.js";

const log = createLogger();
/** The model endpoints, read once per container: the worker's settings alone (the shared runtime leaves them out). */
let routing: ReturnType<typeof readModelRouting> | undefined;

/**
 * The worker function's entry: one signed job per asynchronous invocation, from the edge. Private: no URL, and
 * only the edge's role may invoke it. An invalid configuration throws, so Lambda's on-failure destination (the
 * edge) still tells the person something went wrong.
 */
export async function handler(event: unknown, context: LambdaContext = {}): Promise<void> {
  let runtime;
  try {
    runtime = loadRuntime();
    routing ??= readModelRouting(process.env);
  } catch (error) {
    log("error", "config.invalid", { error });
    throw error;
  }
  const { secrets, table } = runtime;
  const config = { ...runtime.config, ...routing };
  if (!table) {
    // Without the table no budget can be kept nor a second delivery stopped: fail, so the on-failure path tells the person.
    const error = new ConfigError(VARIABLES.tableName, "not set: the worker keeps budgets, job claims and conversations in this DynamoDB table");
    log("error", "config.invalid", { error });
    throw error;
  }
  await runJob(event, {
    table,
    config,
    secrets,
    log,
    now: Date.now,
    remainingMs: () => context.getRemainingTimeInMillis?.() ?? config.modelTimeoutMs + 10_000,
  });
}
