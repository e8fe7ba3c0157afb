import { channelSettings } from "../channelProfiles.js";
import { messages } from "../dooray/messages.js";
import { postToDooray } from "../dooray/postToDooray.js";
import { outcomeMetrics, type Measurement, type Outcome } from "../metrics.js";
import { markFinished } from "../store/jobClaims.js";
import type { DoorayAttachment } from "../types.js";
import { randomUUID } from "node:crypto";
import { acceptJob } from "./acceptJob.js";
import { loadModelSdk, modelSdkLoaded } from "../model/askModel.js";
import { describeCounts } from "./personalData.js";
import { buttonsFor, keepTurnAndButtons, keptAnswer } from "./answerTurn.js";
import { createTask } from "./createTask.js";
import { deliver } from "./deliver.js";
import { listedEndpointKey, startSetup, type PreparedTurn } from "./jobSetup.js";
import { JobBudget } from "./jobBudget.js";
import { measurementsOf } from "../model/modelCost.js";
import { streamAnswer } from "./streamAnswer.js";
import { coolDown, readCooldowns } from "../store/endpointCooldowns.js";
import type { ModelEndpoint } from "../model/endpoints.js";
import { channelRoute } from "../model/modelRouting.js";
import type { WorkerDeps } from "./workerDeps.js";
export type { WorkerDeps } from "./workerDeps.js";
export { DEADLINE_MARGIN_MS } from "./streamAnswer.js";
export { NO_KEY } from "./jobSetup.js";

/** Time kept back at the very end, so the closing log line is written before Lambda stops the function. */
export const CLOSING_MARGIN_MS = 1_000;
/** A cooldown read that takes longer is given up: the endpoints are then tried in their own order. */
export const COOLDOWN_READ_TIMEOUT_MS = 1_000;

/**
 * The slow half, as the steps of a job:
 * 1. accept: the signature, a second delivery here, the responseUrl (acceptJob.ts);
 * 2. set up, side by side: the claim (one answer however often Lambda delivers it), the conversation read, the
 *    OpenAI key, the tools' token, and the hold on the budgets once the prompt is known (jobSetup.ts); the SDK
 *    loads while they are on the wire;
 * 3. checks that need the claim: a stale job, the tenant, the length; 할 일로 만들기 goes its own way here;
 * 4. the hold: refused, the person is told why (and the hold given back); placed, the model may be called;
 * 5. stream the answer, replacing the acknowledgement as it grows (streamAnswer.ts);
 * 6. deliver it with its buttons (answerTurn.ts); the settlement and the stored turn run beside the delivery, and the job is
 *    marked finished as soon as the final message went out.
 * The model is never called before the claim and the reservation have succeeded. Every outcome ends in a message
 * to the person or, when we cannot trust or reach the responseUrl, a log line.
 */
export async function runJob(event: unknown, deps: WorkerDeps): Promise<void> {
  const { config, log } = deps;
  const startedAt = deps.now();
  // Everything this job does, deliveries and writes included, ends by then (Date.now based, like the posts' own clocks).
  const deadlineAt = Date.now() + deps.remainingMs() - CLOSING_MARGIN_MS;
  const within = { deadlineAt };
  const nowSeconds = () => Math.floor(deps.now() / 1000);

  const accepted = await acceptJob(event, deps);
  if (!accepted) return;
  const { job, stale } = accepted;
  const base = { jobId: job.id, tenantId: job.tenantId, channelId: job.channelId, userId: job.userId };
  const settings = channelSettings(config, job.channelId);
  // Where this channel's questions may go, in order (docs/operations.md, "Model endpoints").
  const route = channelRoute(config, job.channelId, settings.model);
  // The edge checked these against its settings; the worker holds to its own (they may differ during a deploy).
  const refusal =
    config.tenantIds.length > 0 && !config.tenantIds.includes(job.tenantId)
      ? "tenant not allowed"
      : job.text.length > config.maxQuestionChars
        ? "question too long"
        : undefined;
  const setup = startSetup(job, settings, route, deps, deadlineAt, base, deps.deliveryId ?? randomUUID(), !stale && !refusal);

  // A cold container's longest step is the SDK's load, and it blocks: it starts once the job's first requests (the
  // claim, the hold, the secrets) are on the wire, so that their round trips pass while it runs.
  if (setup.answers && !modelSdkLoaded()) {
    await afterPendingWrites();
    await loadModelSdk();
  }

  const post = deps.post ?? postToDooray;
  // Writes that follow the answer; awaited (bounded) after the final message, so the invocation does not end on them.
  const bookkeeping: Promise<unknown>[] = [];
  let claimed = false;
  // A follow-up's answer arrives as new messages below the dialog's conversation; the rest replace the acknowledgement.
  const asNewMessages = job.thread?.kind === "followUp" || job.thread?.kind === "createTask";
  const finish = async (
    outcome: Outcome,
    texts: string[],
    fields: Record<string, unknown> = {},
    measurements: Record<string, Measurement | undefined> = {},
    buttons?: DoorayAttachment[],
  ) => {
    const results = await deliver(job, texts, post, deadlineAt, { asNewMessages, buttons });
    const failed = results.find((result) => !result.ok);
    log(failed ? "error" : "info", "job.finished", {
      ...base,
      outcome,
      latencyMs: deps.now() - startedAt,
      messages: texts.length,
      postAttempts: results.reduce((sum, result) => sum + result.attempts, 0),
      ...(failed && !failed.ok ? { postError: failed.reason } : {}),
      ...fields,
      ...outcomeMetrics(config.environmentName, outcome, measurements, Date.now(), {
        channelId: job.channelId,
        personalDataFound: Object.values((fields.personalData ?? {}) as Record<string, number>).reduce((sum, count) => sum + count, 0),
      }),
    });
    // From here on the on-failure path leaves this job alone, even if the run is stopped before the writes end.
    if (claimed)
      bookkeeping.push(
        markFinished(deps.table, job.id, outcome, nowSeconds(), within).catch((error: unknown) => log("warn", "job.markFailed", { ...base, error })),
      );
    await Promise.all(bookkeeping);
  };

  // Lambda may deliver this job twice, to two containers: only the delivery that claims it answers. A hold this
  // delivery placed beside its claim stays for the holder to settle (or, had the claim failed, until the day ends:
  // the budget then errs on the safe side).
  const claim = await setup.claim;
  if (!claim.ok) {
    log("error", "job.storeUnavailable", { ...base, step: "claim", error: claim.error });
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }
  if (claim.value === "claimedElsewhere") {
    log("warn", "job.dropped", { ...base, reason: "claimed by another delivery" });
    return;
  }
  claimed = true;

  // Genuine, but it waited too long for a free worker: the person hears that, not silence.
  if (stale) return finish("busy", [messages.busy], { queuedMs: startedAt - job.issuedAt });
  if (refusal === "tenant not allowed") return finish("refused", [messages.edge.tenantNotAllowed], { reason: refusal });
  if (refusal) return finish("refused", [messages.questionTooLong(config.maxQuestionChars)], { reason: refusal, textChars: job.text.length });
  log("info", "job.started", { ...base, queuedMs: startedAt - job.issuedAt, ...(config.logPrompts ? { text: job.text } : {}) });

  // 할 일로 만들기, confirmed in its dialog: no model, one Dooray call, the link or why not.
  if (job.thread?.kind === "createTask") {
    const made = await createTask(job, settings, deps, deadlineAt);
    return finish(made.outcome, [made.text], made.fields);
  }

  // With endpoints to fail over to, their cooldowns are read now, beside the key and the turn (cached for a moment).
  const readCooldownsNow = (names: readonly string[]) => readCooldowns(deps.table, names, deps.now(), { deadlineAt, timeoutMs: COOLDOWN_READ_TIMEOUT_MS });
  if (route.endpoints.length > 1) void readCooldownsNow(route.endpoints.map((endpoint) => endpoint.name));
  const apiKey = await setup.apiKey;
  const prepared = await setup.turn;
  // The claim is ours: the job's budget is this delivery's to settle, or to give back when the model is not asked.
  const budgetOf = (turn: PreparedTurn) => new JobBudget(bookkeeping, deps.table, job, turn.day, settings.budgets, within, nowSeconds, log, base);
  const giveBackHold = (turn: PreparedTurn) => budgetOf(turn).giveBackFirst(turn.hold, turn.reservedTokens);
  const noEndpoint = route.endpoints.length === 0;
  if (prepared.ok && prepared.value && (!apiKey.ok || "missing" in apiKey.value || noEndpoint)) giveBackHold(prepared.value);
  if (!apiKey.ok) {
    log("error", "job.secretUnavailable", { ...base, error: apiKey.error });
    return finish("secretUnavailable", [messages.secretUnavailable]);
  }
  if ("missing" in apiKey.value) return finish("notConfigured", [messages.notConfigured]);
  // A channel kept in Korea, with no endpoint in Korea to go to (synth refuses this; a local list may not): nothing is sent.
  if (noEndpoint) return finish("refused", [messages.noEndpointInKorea], { reason: "residency", residency: route.residency });
  const unlistedKey = "key" in apiKey.value ? apiKey.value.key : undefined;

  if (!prepared.ok) {
    log("error", "job.storeUnavailable", { ...base, step: "conversation", error: prepared.error });
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }
  if (!prepared.value) return finish("conversationGone", [messages.conversationGone], { conversationId: job.thread?.conversationId });
  const { plan, prompt, tooling, reservedTokens } = prepared.value;
  // block: a question holding personal data is refused before any model call, and holds nothing.
  if (prepared.value.personalData.blocked) {
    giveBackHold(prepared.value);
    return finish("refused", [messages.personalDataBlocked(describeCounts(prepared.value.personalData.counts))], {
      reason: "personalData",
      personalData: prepared.value.personalData.counts,
    });
  }

  const reservation = await prepared.value.hold;
  if (!reservation.ok) {
    log("error", "job.storeUnavailable", { ...base, step: "reserve", error: reservation.error });
    giveBackHold(prepared.value);
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }
  if (!reservation.value.ok) {
    const refused = reservation.value;
    giveBackHold(prepared.value);
    const text = messages.budgetExceeded(refused, config.budgetTimeZone);
    const fields = { scope: refused.scope, reservedTokens };
    // 다시 생성 replaced the answer with the acknowledgement: put the answer and its buttons back, with the reason.
    const kept = job.thread?.kind === "regenerate" ? keptAnswer(plan, text, config.messageMaxChars) : undefined;
    if (kept !== undefined)
      return finish(
        "refusedByBudget",
        [kept],
        fields,
        {},
        await buttonsFor(plan.conversationId, plan.turn, job, deps, settings.dooray?.taskProject !== undefined),
      );
    return finish("refusedByBudget", [text], fields);
  }

  const budget = budgetOf(prepared.value);
  const endpoints = {
    keyFor: (endpoint: ModelEndpoint) => (endpoint.unlisted ? Promise.resolve(unlistedKey) : listedEndpointKey(endpoint, deps)),
    cooldowns: readCooldownsNow,
    coolDown: (name: string, until: number) => coolDown(deps.table, name, until, within),
    awsEnv: deps.awsEnv,
  };
  const result = await streamAnswer(job, prompt, post, deps, deadlineAt, {
    route: route,
    price: settings.price,
    endpoints,
    showProgress: !asNewMessages,
    tooling,
    reserveRound: (round, tokens) => budget.reserveRound(round, tokens),
    firstReservedTokens: reservedTokens,
    personalData: { mode: settings.personalData, counts: { ...prepared.value.personalData.counts } },
  });
  const { used, usedTokens, costUSD } = budget.settleCalls(result.calls, result.outcome === "answered", settings.price);
  const buttons = await keepTurnAndButtons(result, plan, {
    job,
    deps,
    deadlineAt,
    asNewMessages,
    bookkeeping,
    base,
    withTask: settings.dooray?.taskProject !== undefined,
  });
  if (asNewMessages && result.texts.length > 0) result.texts[0] = `${messages.followUpHeader(plan.question)}\n\n${result.texts[0]}`;
  return finish(
    result.outcome,
    result.texts,
    {
      ...result.fields,
      reservedTokens: result.calls.reduce((sum, call) => sum + call.reservedTokens, 0),
      usedTokens,
      usageReported: result.calls.length > 0 && result.calls.every((call) => call.usage !== undefined),
      conversationId: plan.conversationId,
      turn: plan.turn,
      ...(job.thread ? { kind: job.thread.kind } : {}),
      ...(settings.profileName ? { profile: settings.profileName } : {}),
    },
    measurementsOf(used, costUSD, result, result.allEndpointsFailed),
    buttons,
  );
}

/**
 * Two turns of the event loop: requests just made are then written to their sockets (a new connection's 'connect'
 * comes in the first), so their round trips run while a blocking step (the SDK's load) follows.
 */
const afterPendingWrites = async () => {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
};
