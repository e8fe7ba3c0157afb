import type { BotConfig } from "../config.js";
import { toolMessages } from "../dooray/toolMessages.js";
import { responseUrlAllowed } from "../edge/responseUrlAllowed.js";
import { RecentJobIds } from "../job/recentJobIds.js";
import { verifyJobAcrossRotation, type Job } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import { messages } from "../dooray/messages.js";
import type { Secrets } from "../secrets.js";
import type { DoorayAttachment, DoorayMessage } from "../types.js";
import { channelSettings } from "../channelProfiles.js";
import { answerButtons } from "../dooray/answerButtons.js";
import { createTask } from "./createTask.js";
import { recordTurn } from "./conversationTurn.js";
import { planTurn, promptFor, type TurnPlan } from "../store/turnPlan.js";
import { askModel } from "./askModel.js";
import { classifyModelError, describeModelError, failureMessage } from "./classifyModelError.js";
import { FINAL_POST, PROGRESS_POST, postToDooray, type PostOptions, type PostResult } from "../dooray/postToDooray.js";
import { ProgressUpdates } from "./progressUpdates.js";
import { answerMessages } from "./splitAnswer.js";
import { randomUUID } from "node:crypto";
import { outcomeMetrics, type Measurement, type Outcome } from "../metrics.js";
import { budgetDay } from "../store/budgetDay.js";
import { reserve, settle } from "../store/budgets.js";
import { claimJob, markFinished } from "../store/jobClaims.js";
import type { TableRef } from "../store/tableRef.js";
import { promptTokenBound, reservationFor, tokenBound } from "../store/tokenEstimate.js";
import type { ChatMessage, ModelRequest, TokenUsage } from "./askModel.js";
import { toolsFor, type Source, type ToolContext, type ToolDefinition } from "../tools/doorayTools.js";
import { doorayRest } from "../tools/doorayRest.js";
import { tenantDomainOf } from "../tools/doorayLinks.js";
import { citations, MAX_TOOL_ROUNDS, runToolRound } from "./toolRounds.js";
import type { Reservation } from "../store/budgets.js";

export interface WorkerDeps {
  readonly config: BotConfig;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly now: () => number;
  /** Milliseconds left before the platform stops this invocation. */
  readonly remainingMs: () => number;
  readonly post?: (url: string, message: DoorayMessage, options: PostOptions) => Promise<PostResult>;
  /** Budgets, job claims and conversations. */
  readonly table: TableRef;
  /** Names this delivery in its job claim (a fresh id per run unless given). */
  readonly deliveryId?: string;
}

/** Time kept back from the function's deadline to tell the person what happened. */
export const DEADLINE_MARGIN_MS = 10_000;
/** Time kept back at the very end, so the closing log line is written before Lambda stops the function. */
export const CLOSING_MARGIN_MS = 1_000;
/** Sent as the key to an OPENAI_BASE_URL endpoint when no key is set. */
export const NO_KEY = "no-key-configured";
const answered = new RecentJobIds();

/** At most this long a follow-up's answer waits for its turn to be stored (its buttons name that turn). */
export const FOLLOW_UP_SAVE_WAIT_MS = 2_000;

/**
 * The slow half: verify the job and claim it (one answer however often Lambda delivers it), plan the turn (a new
 * question, a regenerated answer or a follow-up), reserve the budgets, ask the model with streaming (replacing the
 * acknowledgement as the answer grows), then deliver the answer with its buttons. The bookkeeping that follows (the
 * settlement, the stored turn, the job marked finished) runs beside the delivery and never delays it, each write
 * bounded by the time this invocation has left. Every outcome ends in a message to the person or, when we cannot
 * trust or reach the responseUrl, a log line; `job.finished` is written as soon as the final message went out.
 */
export async function runJob(event: unknown, deps: WorkerDeps): Promise<void> {
  const { config, log } = deps;
  const startedAt = deps.now();
  // Everything this job does, deliveries and writes included, ends by then (Date.now based, like the posts' own clocks).
  const deadlineAt = Date.now() + deps.remainingMs() - CLOSING_MARGIN_MS;
  const within = { deadlineAt };

  let check;
  try {
    check = await verifyJobAcrossRotation(event, deps.secrets.jobTokens, deps.now, config.jobMaxAgeSeconds);
  } catch (error) {
    log("error", "job.dropped", { reason: "app token unavailable", error });
    return;
  }
  if (!check.ok && !("job" in check)) {
    log("warn", "job.dropped", { reason: check.reason });
    return;
  }
  const job = check.job;
  // Async invocations are at-least-once: a second delivery to the same container must not answer twice.
  if (!answered.firstTime(job.id)) {
    log("warn", "job.dropped", { jobId: job.id, reason: "duplicate delivery" });
    return;
  }
  const urlCheck = responseUrlAllowed(job.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!urlCheck.ok) {
    log("warn", "job.dropped", { jobId: job.id, reason: urlCheck.reason });
    return;
  }

  const post = deps.post ?? postToDooray;
  const base = { jobId: job.id, tenantId: job.tenantId, channelId: job.channelId, userId: job.userId };
  const nowSeconds = () => Math.floor(deps.now() / 1000);
  // Writes that follow the answer; awaited (bounded) after the final message, so the invocation does not end on them.
  const bookkeeping: Promise<unknown>[] = [];

  // A follow-up's answer arrives as new messages below the dialog's conversation; the rest replace the acknowledgement.
  const asNewMessages = job.thread?.kind === "followUp" || job.thread?.kind === "createTask";
  const finish = async (outcome: Outcome, texts: string[], fields: Record<string, unknown> = {}, measurements: Record<string, Measurement | undefined> = {}, buttons?: DoorayAttachment[]) => {
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
      ...outcomeMetrics(config.environmentName, outcome, measurements),
    });
    // From here on the on-failure path leaves this job alone, even if the run is stopped before the writes end.
    if (claimed) bookkeeping.push(markFinished(deps.table, job.id, outcome, nowSeconds(), within).catch((error: unknown) => log("warn", "job.markFailed", { ...base, error })));
    await Promise.all(bookkeeping);
  };

  // Lambda may deliver this job twice, to two containers: only the delivery that claims it answers.
  let claimed = false;
  try {
    if ((await claimJob(deps.table, job.id, deps.deliveryId ?? randomUUID(), nowSeconds())) === "claimedElsewhere") {
      log("warn", "job.dropped", { ...base, reason: "claimed by another delivery" });
      return;
    }
    claimed = true;
  } catch (error) {
    log("error", "job.storeUnavailable", { ...base, step: "claim", error });
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }

  // Genuine, but it waited too long for a free worker: the person hears that, not silence.
  if (!check.ok) return finish("busy", [messages.busy], { queuedMs: startedAt - job.issuedAt });
  // The edge checked these against its settings; the worker holds to its own (they may differ during a deploy).
  if (config.tenantIds.length > 0 && !config.tenantIds.includes(job.tenantId)) {
    return finish("refused", [messages.edge.tenantNotAllowed], { reason: "tenant not allowed" });
  }
  if (job.text.length > config.maxQuestionChars) {
    return finish("refused", [messages.questionTooLong(config.maxQuestionChars)], { reason: "question too long", textChars: job.text.length });
  }
  log("info", "job.started", { ...base, queuedMs: startedAt - job.issuedAt, ...(config.logPrompts ? { text: job.text } : {}) });

  // 할 일로 만들기, confirmed in its dialog: no model, one Dooray call, the link or why not.
  if (job.thread?.kind === "createTask") {
    const made = await createTask(job, channelSettings(config, job.channelId), deps, deadlineAt);
    return finish(made.outcome, [made.text], made.fields);
  }

  let apiKey: string | undefined;
  try {
    apiKey = await deps.secrets.openaiApiKey();
  } catch (error) {
    log("error", "job.secretUnavailable", { ...base, error });
    return finish("secretUnavailable", [messages.secretUnavailable]);
  }
  if (!apiKey) {
    // OpenAI's own endpoint needs a key; a local OpenAI-compatible server usually does not (the SDK insists on
    // sending something, so it sends a placeholder; an endpoint that wants a real key answers 401: keyRejected).
    // In AWS a key secret without a value means the operator has not set it yet.
    if (!config.openaiBaseUrl || config.openaiApiKeySecretId) return finish("notConfigured", [messages.notConfigured]);
    apiKey = NO_KEY;
  }

  // The turn this job answers: a new conversation, a regenerated turn, or a follow-up with the turns before it.
  const settings = channelSettings(config, job.channelId);
  let plan;
  try {
    plan = await planTurn(deps.table, job, nowSeconds());
  } catch (error) {
    log("error", "job.storeUnavailable", { ...base, step: "conversation", error });
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }
  if (!plan.ok) return finish("conversationGone", [messages.conversationGone], { conversationId: job.thread?.conversationId });
  const prompt = promptFor(settings.systemPrompt, plan.history, plan.question, config.conversationContextTokens);
  // The channel's Dooray tools, when its scope names any and the bot account's token is set.
  const tooling = await toolingFor(settings.dooray, job, deadlineAt, deps, base);
  // The tools' definitions travel with the prompt, and count like it.
  const promptTexts = [...prompt.map((message) => message.content), ...(tooling.tools.length > 0 ? [JSON.stringify(tooling.tools)] : [])];

  // Budgets: hold back the most this question can cost before asking, so concurrent questions cannot overrun.
  const reservedTokens = reservationFor(promptTexts, config.maxOutputTokens);
  const day = budgetDay(deps.now(), config.budgetTimeZone, config.budgetUtcOffsetMinutes);
  let reservation;
  try {
    reservation = await reserve(deps.table, job, day, { jobId: job.id, tokens: reservedTokens }, settings.budgets, nowSeconds(), within);
  } catch (error) {
    log("error", "job.storeUnavailable", { ...base, step: "reserve", error });
    return finish("storeUnavailable", [messages.storeUnavailable]);
  }
  if (!reservation.ok) {
    const refusal = messages.budgetExceeded(reservation, config.budgetTimeZone);
    const fields = { scope: reservation.scope, reservedTokens };
    // 다시 생성 replaced the answer with the acknowledgement: put the answer and its buttons back, with the reason.
    const kept = job.thread?.kind === "regenerate" ? keptAnswer(plan, refusal, config.messageMaxChars) : undefined;
    if (kept !== undefined) return finish("refusedByBudget", [kept], fields, {}, await buttonsFor(plan.conversationId, plan.turn, job, deps, settings.dooray?.taskProject !== undefined));
    return finish("refusedByBudget", [refusal], fields);
  }

  // A tool round's next call holds its own share first, under a hold of its own (job id and round).
  const reserveRound = (round: number, tokens: number) => reserve(deps.table, job, day, { jobId: `${job.id}.${round}`, tokens }, settings.budgets, nowSeconds(), within);
  const result = await answer(job, prompt, apiKey, post, deps, deadlineAt, { model: settings.model, showProgress: !asNewMessages, tooling, reserveRound, firstReservedTokens: reservedTokens });
  let used: TokenUsage | undefined;
  let usedTokens = 0;
  for (const [round, call] of result.calls.entries()) {
    // What the call used: the endpoint's own count, else the bound of what was sent and what came back.
    const callUsed = call.usage ?? (call.producedText === undefined ? undefined : { inputTokens: promptTokenBound(call.promptTexts), outputTokens: tokenBound(call.producedText) });
    const callTokens = callUsed ? callUsed.inputTokens + callUsed.outputTokens : 0;
    if (callUsed) used = { inputTokens: (used?.inputTokens ?? 0) + callUsed.inputTokens, outputTokens: (used?.outputTokens ?? 0) + callUsed.outputTokens };
    usedTokens += callTokens;
    // More than the bound means the endpoint counts something we did not send; the limit still holds (budgets.ts).
    if (callTokens > call.reservedTokens) log("warn", "job.usageAboveHold", { ...base, round, usedTokens: callTokens, reservedTokens: call.reservedTokens });
    const holdId = round === 0 ? job.id : `${job.id}.${round}`;
    bookkeeping.push(
      settle(deps.table, job, day, { jobId: holdId, usedTokens: callTokens, reservedTokens: call.reservedTokens, answered: round === 0 && result.outcome === "answered" }, nowSeconds(), within).catch((error: unknown) => {
        // The reservation then stays counted for the day: the budget errs on the safe side.
        log("warn", "job.settleFailed", { ...base, round, error });
      }),
    );
  }
  // An answer becomes a turn of the conversation, and gets the buttons that continue it.
  let buttons: DoorayAttachment[] | undefined;
  if (result.outcome === "answered" && result.producedText !== undefined) {
    const recorded = recordTurn(deps.table, job, plan, result.producedText, nowSeconds(), log, deadlineAt).catch((error: unknown) => {
      log("warn", "job.turnNotRecorded", { ...base, error });
      return undefined;
    });
    bookkeeping.push(recorded);
    // A follow-up's turn number is known once stored (another follow-up may have landed first), so its answer
    // waits for the save, briefly, and never with more than half the time left: past that it goes without buttons
    // rather than late. The others' is known now.
    const turn = asNewMessages ? await Promise.race([recorded, sleep(Math.min(FOLLOW_UP_SAVE_WAIT_MS, (deadlineAt - Date.now()) / 2))]) : plan.turn;
    if (turn === undefined) log("warn", "job.buttonsLeftOut", { ...base, reason: "turn not stored in time" });
    else buttons = await buttonsFor(plan.conversationId, turn, job, deps, settings.dooray?.taskProject !== undefined);
  }
  if (asNewMessages && result.texts.length > 0) result.texts[0] = `${messages.followUpHeader(plan.question)}\n\n${result.texts[0]}`;
  return finish(
    result.outcome,
    result.texts,
    { ...result.fields, reservedTokens: result.calls.reduce((sum, call) => sum + call.reservedTokens, 0), usedTokens, usageReported: result.calls.length > 0 && result.calls.every((call) => call.usage !== undefined), conversationId: plan.conversationId, turn: plan.turn, ...(job.thread ? { kind: job.thread.kind } : {}), ...(settings.profileName ? { profile: settings.profileName } : {}) },
    measurementsOf(used, result, settings.price),
    buttons,
  );
}

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(0, ms)));

/** The buttons under an answer, signed with the current app token (none if it cannot be read). */
async function buttonsFor(conversationId: string, turn: number, job: Job, deps: WorkerDeps, withTask: boolean): Promise<DoorayAttachment[] | undefined> {
  const [currentToken] = await deps.secrets.jobTokens().catch(() => []);
  return currentToken ? answerButtons(conversationId, turn, job, currentToken, deps.now(), { withTask }) : undefined;
}

/** The channel's tools and what they need to run; none without a scope, or (with a warning) without the token. */
interface Tooling {
  readonly tools: readonly ToolDefinition[];
  readonly context: ToolContext | undefined;
  /** Said under the answer: the scope is set but the token is not. */
  readonly notice: string | undefined;
}

async function toolingFor(scope: ToolContext["scope"] | undefined, job: Job, deadlineAt: number, deps: WorkerDeps, base: Record<string, unknown>): Promise<Tooling> {
  const tools = toolsFor(scope);
  if (!scope || tools.length === 0) return { tools: [], context: undefined, notice: undefined };
  const token = await deps.secrets.doorayApiToken().catch((error: unknown) => {
    deps.log("error", "tools.secretUnavailable", { ...base, error });
    return undefined;
  });
  if (!token) {
    deps.log("warn", "tools.notConfigured", { ...base, reason: "no Dooray API token" });
    return { tools: [], context: undefined, notice: toolMessages.toolsNotConfigured };
  }
  return { tools, context: { scope, rest: doorayRest(deps.config.doorayRestUrl, token, deadlineAt), tenantDomain: job.tenantDomain ?? tenantDomainOf(job.responseUrl) }, notice: undefined };
}

/**
 * The regenerated turn's stored answer (its last part, as the message under the button showed it) followed by why
 * it was not asked again; undefined if the turn is not stored.
 */
function keptAnswer(plan: Extract<TurnPlan, { ok: true }>, note: string, maxChars: number): string | undefined {
  const stored = plan.conversation?.turns[plan.turn - plan.conversation.firstTurn]?.answer;
  if (stored === undefined) return undefined;
  const notice = `⚠️ ${note}`;
  return `${answerMessages(stored, maxChars - notice.length - 2).at(-1)}\n\n${notice}`;
}

/** The model call's metrics: tokens (reported or estimated), their list-price cost, and its timings. */
function measurementsOf(used: TokenUsage | undefined, result: Answered, price: BotConfig["pricePerMillionTokens"]): Record<string, Measurement | undefined> {
  return {
    InputTokens: used && { value: used.inputTokens, unit: "Count" },
    OutputTokens: used && { value: used.outputTokens, unit: "Count" },
    EstimatedCostUSD: used && { value: (used.inputTokens * price.input + used.outputTokens * price.output) / 1_000_000, unit: "None" },
    TimeToFirstTokenMs: result.firstTextMs === undefined ? undefined : { value: result.firstTextMs, unit: "Milliseconds" },
    ModelLatencyMs: { value: result.modelMs, unit: "Milliseconds" },
  };
}

/** One model call: what it held, what was sent and came back (for the bound when usage is not reported). */
interface ModelCall {
  readonly reservedTokens: number;
  readonly promptTexts: readonly string[];
  readonly usage: TokenUsage | undefined;
  /** The text (and tool-call arguments) it produced; undefined when it produced nothing (nothing to charge). */
  readonly producedText: string | undefined;
}

interface Answered {
  readonly outcome: Outcome;
  readonly texts: string[];
  readonly fields: Record<string, unknown>;
  /** Every model call in order: the first under the question's hold, each tool round's next under its own. */
  readonly calls: readonly ModelCall[];
  /** The final answer's text; undefined when there is none to store as a turn. */
  readonly producedText: string | undefined;
  readonly modelMs: number;
  readonly firstTextMs: number | undefined;
}

interface AnswerOptions {
  readonly model: string;
  readonly showProgress: boolean;
  readonly tooling: Tooling;
  /** Holds a tool round's next call's share of the budgets (round ≥ 1). */
  readonly reserveRound: (round: number, tokens: number) => Promise<Reservation>;
  readonly firstReservedTokens: number;
}

const textsOf = (messages: readonly ChatMessage[]) => messages.map((message) => ("tool_calls" in message && message.tool_calls ? `${message.content}${JSON.stringify(message.tool_calls)}` : message.content));

/**
 * Streams the model's answer, replacing the acknowledgement as it grows, and returns the messages to deliver: the
 * answer in parts, or what arrived plus why it stopped. With the channel's tools, the model may first ask for
 * them, for at most MAX_TOOL_ROUNDS rounds; the message says what the bot is looking up meanwhile, and the answer
 * ends with the sources it used. Bounded by our deadline: the function's remaining time minus a margin, so the
 * person always hears back before Lambda stops us.
 */
async function answer(job: Job, prompt: ModelRequest["messages"], apiKey: string, post: NonNullable<WorkerDeps["post"]>, deps: WorkerDeps, deadlineAt: number, options: AnswerOptions): Promise<Answered> {
  const { config, log } = deps;
  const { tools, context, notice } = options.tooling;
  const budgetMs = Math.max(1_000, Math.min(config.modelTimeoutMs, deps.remainingMs() - DEADLINE_MARGIN_MS));
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), budgetMs);
  const progress = new ProgressUpdates((message) => post(job.responseUrl, message, { ...PROGRESS_POST, deadlineAt }), config.progressIntervalMs, config.messageMaxChars, deps.now);
  const startedAt = deps.now();
  const calls: ModelCall[] = [];
  const found: Source[] = [];
  const read: Source[] = [];
  let conversation: ChatMessage[] = [...prompt];
  let partial = "";
  let firstTextAt: number | undefined;
  // The call in flight: what it holds and sends, charged if it fails after its first words.
  let pending = { reservedTokens: options.firstReservedTokens, promptTexts: [] as readonly string[] };
  try {
    for (let round = 0; ; round++) {
      const offered = context && round < MAX_TOOL_ROUNDS ? tools : [];
      const promptTexts = [...textsOf(conversation), ...(offered.length > 0 ? [JSON.stringify(offered)] : [])];
      let reservedTokens = options.firstReservedTokens;
      if (round > 0) {
        reservedTokens = reservationFor(promptTexts, config.maxOutputTokens);
        const held = await options.reserveRound(round, reservedTokens);
        if (!held.ok) {
          log("info", "job.toolRoundRefused", { jobId: job.id, round, scope: held.scope, reservedTokens });
          return { outcome: "refusedByBudget", texts: [messages.budgetExceeded(held, config.budgetTimeZone)], fields: { toolRounds: round }, calls, producedText: undefined, modelMs: deps.now() - startedAt, firstTextMs: undefined };
        }
      }
      partial = "";
      pending = { reservedTokens, promptTexts };
      const result = await askModel(
        {
          apiKey,
          messages: conversation,
          tools: offered,
          signal: deadline.signal,
          onText: (soFar) => {
            partial = soFar;
            firstTextAt ??= deps.now();
            // The first update comes one interval after the first words: an answer that arrives in one burst goes
            // straight to its final form instead of costing an extra post.
            if (options.showProgress && deps.now() - firstTextAt >= config.progressIntervalMs) progress.offer(soFar);
          },
        },
        { ...config, model: options.model },
        () => log("warn", "model.maxTokensFieldRefused", { jobId: job.id, sentInstead: "max_tokens", hint: "set MODEL_MAX_TOKENS_FIELD=max_tokens (cdktf.json openaiMaxTokensField)" }),
      );
      const asked = result.toolCalls.length > 0 && offered.length > 0 && context !== undefined;
      calls.push({ reservedTokens, promptTexts, usage: result.usage, producedText: result.text + result.toolCalls.map((call) => call.name + call.arguments).join("") });
      if (!asked) {
        const modelMs = deps.now() - startedAt;
        const timing = { modelMs, firstTextMs: firstTextAt === undefined ? undefined : firstTextAt - startedAt };
        const fields = {
          modelMs,
          answerChars: result.text.length,
          finishReason: result.finishReason,
          progressPosts: progress.posted,
          ...(tools.length > 0 || notice ? { toolRounds: round, sources: found.length + read.length } : {}),
          ...(config.logPrompts ? { answer: result.text } : {}),
        };
        if (result.text.trim() === "") return { outcome: "emptyAnswer", texts: [messages.emptyAnswer], fields, calls, producedText: "", ...timing };
        const cited = citations(read, found);
        const footer = [cited.length > 0 ? toolMessages.sources(cited) : "", notice ?? ""].filter(Boolean).join("\n\n");
        const texts = answerMessages(footer ? `${result.text}\n\n${footer}` : result.text, config.messageMaxChars, result.finishReason === "length" ? messages.cutOffNote : undefined);
        return { outcome: "answered", texts, fields, calls, producedText: result.text, ...timing };
      }
      // The tools run while the message says what the bot is looking up.
      if (options.showProgress) await post(job.responseUrl, { text: toolMessages.lookingUp(result.toolCalls.map((call) => call.name)), responseType: "ephemeral", replaceOriginal: true }, { ...PROGRESS_POST, deadlineAt });
      const toolRound = await runToolRound(result.text, result.toolCalls, context, log, job.id);
      found.push(...toolRound.found);
      read.push(...toolRound.read);
      conversation = [...conversation, ...toolRound.messages];
    }
  } catch (error) {
    const failure = classifyModelError(error, { deadlinePassed: deadline.signal.aborted, streamStarted: partial !== "" });
    log("warn", "job.modelError", { jobId: job.id, failure, modelMs: deps.now() - startedAt, error: describeModelError(error, config.logPrompts) });
    // What already arrived is kept: the person sees the partial answer and why it stopped.
    const texts =
      partial.trim() === ""
        ? [failureMessage(failure)]
        : answerMessages(partial, config.messageMaxChars, `⚠️ ${failureMessage(failure)}`);
    // A call that failed before its first words gives its whole reservation back; a partial answer is charged.
    const failedCall = { ...pending, usage: undefined, producedText: partial === "" ? undefined : partial };
    return {
      outcome: failure,
      texts,
      fields: { partialChars: partial.length },
      calls: [...calls, failedCall],
      producedText: partial === "" ? undefined : partial,
      modelMs: deps.now() - startedAt,
      firstTextMs: firstTextAt === undefined ? undefined : firstTextAt - startedAt,
    };
  } finally {
    clearTimeout(timer);
    // The last progress update lands before the final message, never after it.
    await progress.settle();
  }
}

/**
 * The first message replaces the acknowledgement (a follow-up's arrives as a new one); any further parts follow as
 * new messages, in order. The buttons go on the last part only.
 */
async function deliver(
  job: Job,
  texts: string[],
  post: NonNullable<WorkerDeps["post"]>,
  deadlineAt: number,
  options: { asNewMessages: boolean; buttons: DoorayAttachment[] | undefined },
): Promise<PostResult[]> {
  const results: PostResult[] = [];
  for (const [index, text] of texts.entries()) {
    const last = index === texts.length - 1;
    const message = { text, responseType: "ephemeral" as const, replaceOriginal: index === 0 && !options.asNewMessages, ...(last && options.buttons ? { attachments: options.buttons } : {}) };
    results.push(await post(job.responseUrl, message, { ...FINAL_POST, deadlineAt }));
  }
  return results;
}
