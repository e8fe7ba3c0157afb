import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import { RecentJobIds } from "../job/recentJobIds.js";
import { verifyJobAcrossRotation, type Job } from "../job/signedJob.js";
import type { WorkerDeps } from "./workerDeps.js";

/** A job this delivery may work on: genuine, new to this container, and with a responseUrl we may post to. */
export interface AcceptedJob {
  readonly job: Job;
  /** Genuine, but it waited past its maximum age for a free worker: the person is told, nothing else is done. */
  readonly stale: boolean;
}

const seen = new RecentJobIds();

/**
 * Step one, before any I/O of the job's own: the signature (with the current or previous app token), a second
 * delivery to this same container, and the responseUrl against our settings. Anything that fails is dropped with
 * a log line: nobody can be told through a URL we cannot trust.
 */
export async function acceptJob(event: unknown, deps: Pick<WorkerDeps, "config" | "secrets" | "log" | "now">): Promise<AcceptedJob | undefined> {
  const { config, log } = deps;
  let check;
  try {
    check = await verifyJobAcrossRotation(event, deps.secrets.jobTokens, deps.now, config.jobMaxAgeSeconds);
  } catch (error) {
    log("error", "job.dropped", { reason: "app token unavailable", error });
    return undefined;
  }
  if (!check.ok && !("job" in check)) {
    log("warn", "job.dropped", { reason: check.reason });
    return undefined;
  }
  const job = check.job;
  // Async invocations are at-least-once: a second delivery to the same container must not answer twice.
  if (!seen.firstTime(job.id)) {
    log("warn", "job.dropped", { jobId: job.id, reason: "duplicate delivery" });
    return undefined;
  }
  const urlCheck = responseUrlAllowed(job.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!urlCheck.ok) {
    log("warn", "job.dropped", { jobId: job.id, reason: urlCheck.reason });
    return undefined;
  }
  return { job, stale: !check.ok };
}
