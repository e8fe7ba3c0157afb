import { failureRecord, type FailureCondition, type FailureRecordEvent } from "../edge/failureRecord.js";
import type { Logger } from "../log.js";

export interface WorkerPoolOptions {
  /** Answers at once; like the worker's reserved concurrency. */
  readonly concurrency: number;
  /** A job still waiting for a free slot this long goes to the on-failure path; like the maximum event age. */
  readonly maxEventAgeMs: number;
  /** A run longer than this is stopped and goes to the on-failure path; like the function's timeout. */
  readonly timeoutMs: number;
  /** One worker invocation. `alive()` turns false once the run was stopped, so a stopped run can post nothing more. */
  readonly run: (job: unknown, invocation: { remainingMs: () => number; alive: () => boolean }) => Promise<void>;
  /** The on-failure destination: the edge's handler for failure records. */
  readonly onFailure: (record: FailureRecordEvent) => Promise<void>;
  readonly log: Logger;
}

export interface WorkerPool {
  /** Queues a job and returns at once, like an asynchronous Lambda Invoke. */
  readonly dispatch: (job: unknown) => Promise<void>;
  /** Resolves when every job dispatched so far has finished, on-failure posts included. */
  readonly idle: () => Promise<void>;
}

interface Queued {
  readonly job: unknown;
  readonly timer: NodeJS.Timeout;
}

/**
 * The local stand-in for Lambda's asynchronous invocation of the worker (docs/architecture.md, "Local server"):
 * at most `concurrency` runs at once, later jobs wait in order, a job that waits past the maximum event age, a run
 * that throws and a run past its timeout each go through the same on-failure code Lambda would call.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const queue: Queued[] = [];
  const pending = new Set<Promise<void>>();
  let running = 0;

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const fail = (job: unknown, condition: FailureCondition, errorType?: string) =>
    track(options.onFailure(failureRecord(job, condition, errorType)).catch((error: unknown) => options.log("error", "failedJob.crashed", { error })));

  const start = (job: unknown) => {
    running++;
    const startedAt = Date.now();
    let alive = true;
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs)));
    const run = options.run(job, { remainingMs: () => options.timeoutMs - (Date.now() - startedAt), alive: () => alive }).then(() => "done" as const);
    track(
      Promise.race([run, stopped])
        .then((how) => {
          if (how === "timeout") {
            alive = false;
            options.log("error", "worker.timedOut", { timeoutMs: options.timeoutMs });
            fail(job, "RetriesExhausted", "Sandbox.Timedout");
          }
        })
        .catch((error: unknown) => {
          options.log("error", "worker.crashed", { error });
          fail(job, "RetriesExhausted", error instanceof Error ? error.name : "Error");
        })
        .finally(() => {
          clearTimeout(timer);
          running--;
          pump();
        }),
    );
    // A stopped run is abandoned, as Lambda abandons a timed-out instance; its late rejection is not news.
    run.catch(() => undefined);
  };

  const pump = () => {
    while (running < options.concurrency && queue.length > 0) {
      const next = queue.shift()!;
      clearTimeout(next.timer);
      start(next.job);
    }
  };

  return {
    async dispatch(job) {
      const entry: Queued = {
        job,
        timer: setTimeout(() => {
          const at = queue.indexOf(entry);
          if (at < 0) return;
          queue.splice(at, 1);
          options.log("warn", "worker.eventAgeExceeded", { maxEventAgeMs: options.maxEventAgeMs, queued: queue.length });
          fail(job, "EventAgeExceeded");
        }, options.maxEventAgeMs),
      };
      queue.push(entry);
      // Like Lambda's queue: the acknowledgement goes out first, the job starts on a later turn of the event loop.
      setImmediate(pump);
    },
    async idle() {
      while (pending.size > 0 || queue.length > 0 || running > 0) {
        if (pending.size > 0) await Promise.all(pending);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}
