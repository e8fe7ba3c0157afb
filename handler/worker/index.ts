import { createLogger } from "../log.js";
import { loadRuntime } from "../runtime.js";
import { runJob } from "./runJob.js";

/**
 * The worker function's entry: one signed job per asynchronous invocation, from the edge. Private: no URL, and
 * only the edge's role may invoke it. An invalid configuration throws, so Lambda's on-failure destination (the
 * edge) still tells the person something went wrong.
 */
interface LambdaContext {
  readonly getRemainingTimeInMillis?: () => number;
}

const log = createLogger();

export async function handler(event: unknown, context: LambdaContext = {}): Promise<void> {
  let runtime;
  try {
    runtime = loadRuntime();
  } catch (error) {
    log("error", "config.invalid", { error });
    throw error;
  }
  const { config, secrets } = runtime;
  await runJob(event, {
    config,
    secrets,
    log,
    now: Date.now,
    remainingMs: () => context.getRemainingTimeInMillis?.() ?? config.modelTimeoutMs + 10_000,
  });
}
