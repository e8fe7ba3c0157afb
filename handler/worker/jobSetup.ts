import type { ChannelSettings } from "../channelProfiles.js";
import type { ModelEndpoint, Route } from "../model/endpoints.js";
import type { Job } from "../job/signedJob.js";
import { budgetDay } from "../store/budgetDay.js";
import { placeHolds, type Reservation } from "../store/budgets.js";
import { claimJob } from "../store/jobClaims.js";
import { reservationFor } from "../store/tokenEstimate.js";
import { planTurn, promptFor, type PromptMessage, type TurnPlan } from "../store/turnPlan.js";
import { guardTurn } from "./guardTurn.js";
import type { PersonalDataCounts } from "./personalData.js";
import { toolingFor, type Tooling } from "./tooling.js";
import type { WorkerDeps } from "./workerDeps.js";

/** Sent as the key to an OPENAI_BASE_URL endpoint when no key is set. */
export const NO_KEY = "no-key-configured";

/** Each piece of a job's set-up, as a value: none of them rejects, so a run that stops early leaves nothing unhandled. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** The unlisted endpoint's key (OPENAI_API_KEY's), read with the rest; a listed endpoint's is read when it is asked. */
export type ApiKey = { readonly key: string } | { readonly missing: true } | { readonly perEndpoint: true };

/** What a job needs before its model call, all started at once (docs/architecture.md, "Cold start"). */
export interface JobSetup {
  /** Whether the job goes on to the model once claimed (not stale, not refused, not a task to make). */
  readonly answers: boolean;
  /** This delivery's claim on the job: only the delivery that holds it answers. */
  readonly claim: Promise<Step<"claimedElsewhere" | "claimed">>;
  /** The turn and its prompt; undefined when the conversation it continues is gone (or the job does not answer). */
  readonly turn: Promise<Step<PreparedTurn | undefined>>;
  readonly apiKey: Promise<Step<ApiKey>>;
}

/** The turn a job answers, the prompt the model gets, and the hold on the budgets placed for it. */
export interface PreparedTurn {
  /** A new conversation, a regenerated turn or a follow-up (a table read for the last two). */
  readonly plan: Extract<TurnPlan, { ok: true }>;
  readonly prompt: PromptMessage[];
  /** The channel's Dooray tools (their token is a secret read). */
  readonly tooling: Tooling;
  /** The budget day the hold is on, and what it holds: the prompt (the tools' definitions count like it) and the longest answer. */
  readonly day: string;
  readonly reservedTokens: number;
  /** What the personal-data guard found in the question and conversation, and whether it refuses the question. */
  readonly personalData: { readonly counts: PersonalDataCounts; readonly blocked: boolean };
  /**
   * The hold, placed beside the claim: refused or failed, nothing is given back here, since a second delivery of
   * the job would place the same hold; only the claim's holder gives it back (runJob).
   */
  readonly hold: Promise<Step<Reservation>>;
}

const settled = <T>(promise: Promise<T>): Promise<Step<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * Starts, side by side, everything a model call needs: the claim, the conversation read, the OpenAI key and the
 * Dooray API token (Secrets Manager reads in AWS, cached per container), and the hold on the budgets as soon as the
 * prompt it is sized on is known (at once for a new question), without waiting for the claim. The SDK loads while
 * these are on the wire (runJob). The model is called only once the claim and the hold have both succeeded.
 */
export function startSetup(
  job: Job,
  settings: ChannelSettings,
  route: Route,
  deps: WorkerDeps,
  deadlineAt: number,
  logFields: Record<string, unknown>,
  deliveryId: string,
  proceeds: boolean,
): JobSetup {
  const nowSeconds = Math.floor(deps.now() / 1000);
  // A job that is only told why not (stale, refused) or makes a task needs the claim alone.
  const answers = proceeds && job.thread?.kind !== "createTask";
  const skipped = <T>(value: T): Promise<Step<T>> => Promise.resolve({ ok: true, value });
  const claim = settled(claimJob(deps.table, job.id, deliveryId, nowSeconds));
  if (!answers) return { answers, claim, turn: skipped(undefined), apiKey: skipped({ missing: true }) };
  const plan = planTurn(deps.table, job, nowSeconds);
  const tooling = toolingFor(settings.dooray, job, deadlineAt, deps, logFields);
  const turn = settled(
    Promise.all([plan, tooling]).then(([found, tools]): PreparedTurn | undefined => {
      if (!found.ok) return undefined;
      // Personal data is masked (or the question refused) before any prompt is built from it.
      const guarded = guardTurn(found, settings.personalData);
      const planned = guarded.plan;
      const prompt = promptFor(settings.systemPrompt, planned.history, planned.question, deps.config.conversationContextTokens);
      const promptTexts = [...prompt.map((message) => message.content), ...(tools.tools.length > 0 ? [JSON.stringify(tools.tools)] : [])];
      const reservedTokens = reservationFor(promptTexts, deps.config.maxOutputTokens);
      const day = budgetDay(deps.now(), deps.config.budgetTimeZone, deps.config.budgetUtcOffsetMinutes);
      const hold = settled(placeHolds(deps.table, job, day, { jobId: job.id, tokens: reservedTokens }, settings.budgets, nowSeconds, { deadlineAt }));
      return { plan: planned, prompt, tooling: tools, day, reservedTokens, hold, personalData: { counts: guarded.counts, blocked: guarded.blocked } };
    }),
  );
  const unlisted = route.endpoints[0]?.unlisted === true;
  return { answers, claim, turn, apiKey: settled(unlisted ? apiKeyOf(deps) : Promise.resolve({ perEndpoint: true as const })) };
}

/** A listed endpoint's key: its secret in AWS; locally the key written in MODEL_ENDPOINTS, or none for a keyless local server. */
export function listedEndpointKey(endpoint: ModelEndpoint, deps: WorkerDeps): Promise<string | undefined> {
  if (endpoint.apiKeySecretId) return deps.secrets.modelKey(endpoint.apiKeySecretId);
  return Promise.resolve(endpoint.apiKey ?? NO_KEY);
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
