import type { ChannelSettings } from "../channelProfiles.js";
import type { Job } from "../job/signedJob.js";
import { claimJob } from "../store/jobClaims.js";
import { planTurn, type TurnPlan } from "../store/turnPlan.js";
import { toolingFor, type Tooling } from "./tooling.js";
import type { WorkerDeps } from "./workerDeps.js";

/** Sent as the key to an OPENAI_BASE_URL endpoint when no key is set. */
export const NO_KEY = "no-key-configured";

/** Each piece of a job's set-up, as a value: none of them rejects, so a run that stops early leaves nothing unhandled. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export type ApiKey = { readonly key: string } | { readonly missing: true };

/** What a job needs before its model call, all started at once (docs/architecture.md, "Cold start"). */
export interface JobSetup {
  /** This delivery's claim on the job: only the delivery that holds it answers. */
  readonly claim: Promise<Step<"claimed" | "claimedElsewhere">>;
  /** The turn the job answers: a new conversation, a regenerated turn or a follow-up (a table read for the last two). */
  readonly plan: Promise<Step<TurnPlan>>;
  readonly apiKey: Promise<Step<ApiKey>>;
  /** The channel's Dooray tools (their token is a secret read). */
  readonly tooling: Promise<Tooling>;
}

const settled = <T>(promise: Promise<T>): Promise<Step<T>> => promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

/**
 * Starts, side by side, everything a model call needs that depends on nothing else: the claim, the conversation
 * read, the OpenAI key and the Dooray API token (Secrets Manager reads in AWS, cached per container). The reservation
 * waits for the claim (holds are named after the job, so only the claim's holder may place one) and for the plan
 * (it is sized on the prompt); the SDK loads while the reservation is on the wire (runJob).
 */
export function startSetup(job: Job, settings: ChannelSettings, deps: WorkerDeps, deadlineAt: number, logFields: Record<string, unknown>, deliveryId: string, proceeds: boolean): JobSetup {
  const nowSeconds = Math.floor(deps.now() / 1000);
  // A job that is only told why not (stale, refused) or makes a task needs the claim alone.
  const answers = proceeds && job.thread?.kind !== "createTask";
  const skipped = <T>(value: T): Promise<Step<T>> => Promise.resolve({ ok: true, value });
  return {
    claim: settled(claimJob(deps.table, job.id, deliveryId, nowSeconds)),
    plan: answers ? settled(planTurn(deps.table, job, nowSeconds)) : skipped({ ok: false }),
    apiKey: answers ? settled(apiKeyOf(deps)) : skipped({ missing: true }),
    tooling: answers ? toolingFor(settings.dooray, job, deadlineAt, deps, logFields) : Promise.resolve({ tools: [], context: undefined, notice: undefined }),
  };
}

/**
 * OpenAI's own endpoint needs a key; a local OpenAI-compatible server usually does not (the SDK insists on sending
 * something, so it sends a placeholder; an endpoint that wants a real key answers 401: keyRejected). In AWS a key
 * secret without a value means the operator has not set it yet.
 */
async function apiKeyOf(deps: WorkerDeps): Promise<ApiKey> {
  const key = await deps.secrets.openaiApiKey();
  if (key) return { key };
  return !deps.config.openaiBaseUrl || deps.config.openaiApiKeySecretId ? { missing: true } : { key: NO_KEY };
}
