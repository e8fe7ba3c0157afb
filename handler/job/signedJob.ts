import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { signingKey } from "./signingKey.js";

/**
 * The work the edge hands to the worker. It travels as the payload of an asynchronous Lambda invocation, which any
 * principal allowed to invoke the worker (or, as an on-failure record, the public edge) could also send
 * (docs/architecture.md, "Trust"), so it is signed with a key derived from the app token and carries its issue
 * time. It never carries the app token itself.
 */
export interface Job {
  readonly id: string;
  readonly issuedAt: number;
  readonly tenantId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly text: string;
  readonly responseUrl: string;
  /** Set when the job continues a conversation: a regenerated answer or a follow-up question. */
  readonly thread?: JobThread;
  /** The tenant's web host from the command (`acme.dooray.com`), for the links under an answer; a host name only. */
  readonly tenantDomain?: string;
  /** A createTask job: the task as the person confirmed it in the dialog. */
  readonly task?: { readonly title: string; readonly body: string };
}

/** A tenant domain a link may carry: a host name, nothing else. */
export function tenantDomainOrUndefined(value: string | undefined): string | undefined {
  return value !== undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(value) && value.length <= 253 ? value : undefined;
}

/** What a button press or a dialog asked for, on which conversation and turn. */
export interface JobThread {
  /** createTask: no model call; the confirmed task is created in the channel's taskProject. */
  readonly kind: "regenerate" | "followUp" | "createTask";
  readonly conversationId: string;
  /** regenerate: the turn whose answer is replaced; followUp: the turn the question follows. */
  readonly turn: number;
}

export const JOB_TYPE = "dooray-gpt/job@1";

export interface SignedJob extends Job {
  readonly type: typeof JOB_TYPE;
  readonly signature: string;
}

export function isSignedJobShape(event: unknown): event is { type: typeof JOB_TYPE } {
  return typeof event === "object" && event !== null && (event as { type?: unknown }).type === JOB_TYPE;
}

/**
 * A new job. Its id is the request's own id when there is one (Lambda gives every Function URL request a unique
 * one), which also ties the edge's and the worker's log lines to the request; otherwise a random UUID.
 */
export function newJob(fields: Omit<Job, "id" | "issuedAt">, now: number, requestId?: string): Job {
  return { id: requestId && /^[\w-]{8,64}$/.test(requestId) ? requestId : randomUUID(), issuedAt: now, ...fields };
}

export function signJob(job: Job, appToken: string): SignedJob {
  return { type: JOB_TYPE, ...job, signature: signatureOf(job, appToken) };
}

export type JobCheck =
  | { readonly ok: true; readonly job: Job }
  | { readonly ok: false; readonly reason: "not a job" | "bad signature" | "job from the future" }
  /** Genuine but stale: too old to answer, not too old to tell the person why. */
  | { readonly ok: false; readonly reason: "job too old"; readonly job: Job };

/**
 * Accepts a job only with a valid signature, made with any of `appTokens` (current, then previous: a rotation drops
 * nothing), and an issue time within [now - maxAge, now + 60 s of clock skew].
 */
export function verifyJob(event: unknown, appTokens: readonly string[], now: number, maxAgeSeconds: number): JobCheck {
  const candidate = event as Partial<SignedJob>;
  const stringFields = ["id", "tenantId", "channelId", "userId", "text", "responseUrl", "signature"] as const;
  if (!isSignedJobShape(event) || stringFields.some((name) => typeof candidate[name] !== "string") || typeof candidate.issuedAt !== "number") {
    return { ok: false, reason: "not a job" };
  }
  const thread = candidate.thread as Partial<JobThread> | undefined;
  if (
    thread !== undefined &&
    ((thread.kind !== "regenerate" && thread.kind !== "followUp" && thread.kind !== "createTask") ||
      typeof thread.conversationId !== "string" ||
      !Number.isInteger(thread.turn))
  ) {
    return { ok: false, reason: "not a job" };
  }
  if (candidate.tenantDomain !== undefined && typeof candidate.tenantDomain !== "string") return { ok: false, reason: "not a job" };
  const task = candidate.task as { title?: unknown; body?: unknown } | undefined;
  if (task !== undefined && (typeof task.title !== "string" || typeof task.body !== "string")) return { ok: false, reason: "not a job" };
  const job: Job = {
    id: candidate.id!,
    issuedAt: candidate.issuedAt,
    tenantId: candidate.tenantId!,
    channelId: candidate.channelId!,
    userId: candidate.userId!,
    text: candidate.text!,
    responseUrl: candidate.responseUrl!,
    ...(thread ? { thread: { kind: thread.kind!, conversationId: thread.conversationId!, turn: thread.turn! } } : {}),
    ...(candidate.tenantDomain !== undefined ? { tenantDomain: candidate.tenantDomain } : {}),
    ...(task !== undefined ? { task: { title: task.title as string, body: task.body as string } } : {}),
  };
  const presented = Buffer.from(candidate.signature!, "utf8");
  const signedWith = (token: string) => {
    const expected = Buffer.from(signatureOf(job, token), "utf8");
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  };
  if (!appTokens.some(signedWith)) return { ok: false, reason: "bad signature" };
  if (now - job.issuedAt > maxAgeSeconds * 1000) return { ok: false, reason: "job too old", job };
  if (job.issuedAt - now > 60_000) return { ok: false, reason: "job from the future" };
  return { ok: true, job };
}

function signatureOf(job: Job, appToken: string): string {
  const key = signingKey(appToken, "dooray-gpt job signing key v1");
  const fields: unknown[] = [JOB_TYPE, job.id, job.issuedAt, job.tenantId, job.channelId, job.userId, job.text, job.responseUrl];
  // Appended only when present, so a plain job signs as before (jobs in flight during a deploy still verify).
  if (job.thread) fields.push(job.thread.kind, job.thread.conversationId, job.thread.turn);
  if (job.tenantDomain !== undefined) fields.push("tenantDomain", job.tenantDomain);
  if (job.task !== undefined) fields.push("task", job.task.title, job.task.body);
  const canonical = JSON.stringify(fields);
  return createHmac("sha256", key).update(canonical, "utf8").digest("base64url");
}

/**
 * verifyJob with the tokens the secrets hold; when the signature matches none of them, the tokens are read again
 * once (this container may still hold the token from before a rotation that the signer already saw).
 */
export async function verifyJobAcrossRotation(
  event: unknown,
  tokens: (options?: { fresh?: boolean }) => Promise<string[]>,
  now: () => number,
  maxAgeSeconds: number,
): Promise<JobCheck | { readonly ok: false; readonly reason: "no app token configured" }> {
  let known = await tokens();
  if (known.length === 0) return { ok: false, reason: "no app token configured" };
  let check = verifyJob(event, known, now(), maxAgeSeconds);
  if (!check.ok && check.reason === "bad signature") {
    known = await tokens({ fresh: true });
    check = verifyJob(event, known, now(), maxAgeSeconds);
  }
  return check;
}
