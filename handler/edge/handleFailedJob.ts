import type { BotConfig } from "../config.js";
import { messages } from "../dooray/messages.js";
import { FINAL_POST, postToDooray, type PostOptions, type PostResult } from "../dooray/postToDooray.js";
import { RecentJobIds } from "../job/recentJobIds.js";
import { verifyJobAcrossRotation } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import type { DoorayMessage } from "../types.js";
import { outcomeMetrics } from "../metrics.js";
import { errorTypeOf, type FailureRecordEvent } from "./failureRecord.js";
import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import { finishedOutcome } from "../store/jobClaims.js";
import type { TableRef } from "../store/tableRef.js";

export interface FailedJobDeps {
  readonly config: BotConfig;
  /** Tokens a job may be signed with (current, previous); `fresh` re-reads them. */
  readonly jobTokens: (options?: { fresh?: boolean }) => Promise<string[]>;
  readonly log: Logger;
  readonly now: () => number;
  /** Milliseconds left before the platform stops the edge; the post ends a second before. */
  readonly remainingMs?: () => number;
  readonly post?: (url: string, message: DoorayMessage, options: PostOptions) => Promise<PostResult>;
  /** Where the worker records a job it finished; without it, every genuine record is told. */
  readonly table?: TableRef | undefined;
}

/** The job row's read is one small GetItem; a slower table is not waited for (the person then hears the failure). */
const FINISHED_READ_TIMEOUT_MS = 2_000;

const told = new RecentJobIds();

/**
 * The on-failure path: a job the worker never answered. Because the edge is publicly invokable, the record is
 * untrusted until its job's signature checks out; only then does the person get the busy or the failure message,
 * replacing the acknowledgement. Writes the job's one `job.finished` line.
 */
export async function handleFailedJob(record: FailureRecordEvent, deps: FailedJobDeps): Promise<void> {
  const { config, log } = deps;
  const condition = record.requestContext.condition;
  const errorType = errorTypeOf(record);
  let check;
  try {
    // A job's age here includes its wait in the queue and the worker's run, hence the longer bound.
    check = await verifyJobAcrossRotation(record.requestPayload, deps.jobTokens, deps.now, config.failedJobMaxAgeSeconds);
  } catch (error) {
    log("error", "failedJob.dropped", { reason: "app token unavailable", condition, error });
    return;
  }
  if (!check.ok) {
    log("warn", "failedJob.dropped", { reason: check.reason, condition });
    return;
  }
  const job = check.job;
  const urlCheck = responseUrlAllowed(job.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!urlCheck.ok) {
    log("warn", "failedJob.dropped", { jobId: job.id, reason: urlCheck.reason, condition });
    return;
  }
  // Destinations are delivered at least once; a second record for the same job changes nothing for the person.
  if (!told.firstTime(job.id)) {
    log("warn", "failedJob.dropped", { jobId: job.id, reason: "duplicate delivery", condition });
    return;
  }

  // A worker that finished the job (its answer delivered) and was stopped afterwards keeps its answer: never replaced.
  if (deps.table) {
    const finished = await finishedOutcome(deps.table, job.id, { timeoutMs: FINISHED_READ_TIMEOUT_MS }).catch((error: unknown) => {
      log("warn", "failedJob.jobUnread", { jobId: job.id, condition, error });
      return undefined;
    });
    if (finished !== undefined) {
      log("info", "failedJob.dropped", { jobId: job.id, reason: "the worker finished it", outcome: finished, condition, ...(errorType ? { errorType } : {}) });
      return;
    }
  }

  const busy = condition === "EventAgeExceeded";
  const post = deps.post ?? postToDooray;
  const deadlineAt = deps.remainingMs ? Date.now() + deps.remainingMs() - 1_000 : undefined;
  const text = busy ? messages.busy : messages.workerFailed;
  // As the worker would have: a follow-up is told in a new message under its question; the rest replace the ack.
  const followUp = job.thread?.kind === "followUp";
  const message = followUp
    ? { text: `${messages.followUpHeader(job.text)}\n\n${text}`, responseType: "ephemeral" as const, replaceOriginal: false }
    : { text, responseType: "ephemeral" as const, replaceOriginal: true };
  const result = await post(job.responseUrl, message, { ...FINAL_POST, deadlineAt });
  log(result.ok ? "info" : "error", "job.finished", {
    jobId: job.id,
    tenantId: job.tenantId,
    channelId: job.channelId,
    userId: job.userId,
    outcome: busy ? "busy" : "workerFailed",
    condition,
    ...(errorType ? { errorType } : {}),
    ageMs: deps.now() - job.issuedAt,
    postAttempts: result.attempts,
    ...(result.ok ? {} : { postError: result.reason }),
    ...outcomeMetrics(config.environmentName, busy ? "busy" : "workerFailed"),
  });
}
