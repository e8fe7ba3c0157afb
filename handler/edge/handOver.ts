import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import { signJob, type Job } from "../job/signedJob.js";
import type { EdgeDeps } from "./edgeDeps.js";

/** Why a job did not leave the edge: the responseUrl is not ours to post to (403, 400 unparsable), or the Invoke failed. */
export type HandOver =
  | { readonly ok: true }
  | { readonly ok: false; readonly why: "responseUrl"; readonly status: number; readonly reason: string }
  | { readonly ok: false; readonly why: "dispatch" };

/**
 * The one way a job leaves the edge, for a command, a press or a dialog alike: its responseUrl checked against the
 * allowed hosts, the job signed with the app token, handed to the worker, and one log line saying which
 * (`request.refused`, `request.dispatchFailed` or `request.accepted`, with `fields`, never the text).
 */
export async function handOver(
  job: Job,
  appToken: string,
  deps: Pick<EdgeDeps, "config" | "dispatch" | "log">,
  fields: Record<string, unknown>,
): Promise<HandOver> {
  const { config, log } = deps;
  const url = responseUrlAllowed(job.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!url.ok) {
    log("warn", "request.refused", { status: url.status, reason: url.reason, ...fields });
    return { ok: false, why: "responseUrl", status: url.status, reason: url.reason };
  }
  try {
    await deps.dispatch(signJob(job, appToken));
  } catch (error) {
    log("error", "request.dispatchFailed", { ...fields, error });
    return { ok: false, why: "dispatch" };
  }
  log("info", "request.accepted", fields);
  return { ok: true };
}
