import { messages } from "../dooray/messages.js";
import { linkDomainOf } from "../tools/doorayLinks.js";
import { allowedLinkHosts, plainTitle, screenOutsideLinks } from "../dooray/outsideLinks.js";
import { PROGRESS_POST } from "../dooray/postToDooray.js";
import { toolMessages } from "../dooray/toolMessages.js";
import type { Job } from "../job/signedJob.js";
import { promptTokenBound, reservationFor } from "../store/tokenEstimate.js";
import type { Source } from "../tools/doorayTools.js";
import type { ChatMessage, ModelRequest } from "../model/askModel.js";
import { AllEndpointsFailed, askEndpoints, type Attempt, type EndpointDeps } from "../model/askEndpoints.js";
import { classifyModelError, describeModelError, failureMessage } from "../model/classifyModelError.js";
import { ProgressUpdates } from "./progressUpdates.js";
import { answerMessages } from "./splitAnswer.js";
import { addCounts, anyFound, describeCounts, maskPersonalData } from "./personalData.js";
import { citations, lastCallWithin, MAX_TOOL_ROUNDS, runToolRound } from "./toolRounds.js";
import type { WorkerDeps } from "./workerDeps.js";
import type { AnswerOptions, Answered, ModelCall } from "./answerTypes.js";
export type { AnswerOptions, Answered, ModelCall } from "./answerTypes.js";

/** Time kept back from the function's deadline to tell the person what happened. */
export const DEADLINE_MARGIN_MS = 10_000;

const textsOf = (messages: readonly ChatMessage[]) =>
  messages.map((message) => ("tool_calls" in message && message.tool_calls ? `${message.content}${JSON.stringify(message.tool_calls)}` : message.content));

/**
 * Streams the model's answer, replacing the acknowledgement as it grows, and returns the messages to deliver: the
 * answer in parts, or what arrived plus why it stopped. With the channel's tools, the model may first ask for
 * them, for at most MAX_TOOL_ROUNDS rounds; the message says what the bot is looking up meanwhile, and the answer
 * ends with the sources it used. Bounded by our deadline: the function's remaining time minus a margin, so the
 * person always hears back before Lambda stops us.
 */
export async function streamAnswer(
  job: Job,
  prompt: ModelRequest["messages"],
  post: NonNullable<WorkerDeps["post"]>,
  deps: WorkerDeps,
  deadlineAt: number,
  options: AnswerOptions,
): Promise<Answered> {
  const { config, log } = deps;
  const { tools, context, notice } = options.tooling;
  const budgetMs = Math.max(1_000, Math.min(config.modelTimeoutMs, deps.remainingMs() - DEADLINE_MARGIN_MS));
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), budgetMs);
  const progress = new ProgressUpdates(
    (message) => post(job.responseUrl, message, { ...PROGRESS_POST, deadlineAt }),
    config.progressIntervalMs,
    config.messageMaxChars,
    deps.now,
  );
  const startedAt = deps.now();
  const calls: ModelCall[] = [];
  const found: Source[] = [];
  const read: Source[] = [];
  let conversation: ChatMessage[] = [...prompt];
  let partial = "";
  let firstTextAt: number | undefined;
  // Once a tool has read Dooray content, the model's words may carry what it was told to write: outside links and
  // images are screened out of everything shown or kept from then on (outsideLinks.ts).
  const linkHosts = allowedLinkHosts(job.responseUrl, linkDomainOf(job, config.responseUrlHosts), config.linkHosts);
  const attempts: Attempt[] = [];
  const endpointDeps: EndpointDeps = { ...options.endpoints, log, jobId: job.id, environmentName: config.environmentName, now: deps.now };
  // The endpoint that answered the last call, and what the closing line says of the endpoints.
  let answeredBy: string | undefined;
  const endpointFields = () => ({
    ...(answeredBy ? { endpoint: answeredBy } : {}),
    failovers: attempts.filter((attempt) => attempt.failed && attempt.failed !== "final").length,
  });
  let toolsRan = false;
  let toolBytes = 0;
  // Tool results are masked in mask and block alike: a tool never sends a number whole (personalData.ts).
  const guarded = options.personalData;
  const guardToolResult = (text: string) => {
    if (!guarded || guarded.mode === "allow") return text;
    const masked = maskPersonalData(text);
    addCounts(guarded.counts, masked.counts);
    return masked.text;
  };
  let linksRemoved = 0;
  const screen = (text: string) => {
    if (!toolsRan) return text;
    const screened = screenOutsideLinks(text, linkHosts);
    linksRemoved = Math.max(linksRemoved, screened.removed);
    return screened.text;
  };
  // The call in flight: what it holds and sends, charged if it fails after its first words.
  let pending = { reservedTokens: options.firstReservedTokens, promptTexts: [] as readonly string[] };
  try {
    // Set when the budget cannot hold another tool round: one last call, without tools, within what is left.
    let last: { outputTokens: number; note: string } | undefined;
    for (let round = 0; ; round++) {
      let offered = context && round < MAX_TOOL_ROUNDS && !last ? tools : [];
      let promptTexts = [...textsOf(conversation), ...(offered.length > 0 ? [JSON.stringify(offered)] : [])];
      let reservedTokens = options.firstReservedTokens;
      if (round > 0) {
        reservedTokens = reservationFor(promptTexts, config.maxOutputTokens);
        const held = await options.reserveRound(round, reservedTokens);
        if (!held.ok) {
          const within = lastCallWithin(conversation, held.limit - held.used, config.maxOutputTokens, (messages) => promptTokenBound(textsOf(messages)));
          const lastTokens = within ? promptTokenBound(textsOf(within.messages)) + within.outputTokens : 0;
          const again = within ? await options.reserveRound(round, lastTokens) : held;
          if (!within || !again.ok) {
            // Neither the round nor a last call fits: said in words, after what the tools already did.
            const refusedBy = again.ok ? held : again;
            log("info", "job.toolRoundRefused", { jobId: job.id, round, scope: refusedBy.scope, reservedTokens });
            return {
              outcome: "refusedByBudget",
              texts: [`${toolMessages.refusedAfterTools(round)}\n${messages.budgetExceeded(refusedBy, config.budgetTimeZone)}`],
              fields: { toolRounds: round, ...endpointFields() },
              calls,
              producedText: undefined,
              modelMs: deps.now() - startedAt,
              firstTextMs: undefined,
              attempts,
              allEndpointsFailed: false,
            };
          }
          log("info", "job.lastCallWithinBudget", { jobId: job.id, round, scope: held.scope, reservedTokens: lastTokens, droppedToolResults: within.dropped });
          conversation = within.messages;
          offered = [];
          promptTexts = textsOf(conversation);
          reservedTokens = lastTokens;
          last = { outputTokens: within.outputTokens, note: toolMessages.answeredWithinBudget(within.dropped > 0) };
        }
      }
      // What each call of a tool-using question holds: how far the day's budget goes, without the texts.
      if (context) log("info", "job.callHeld", { jobId: job.id, round, reservedTokens, tools: offered.length > 0 });
      partial = "";
      pending = { reservedTokens, promptTexts };
      const { answer: result, endpoint } = await askEndpoints(
        {
          messages: conversation,
          tools: offered,
          signal: deadline.signal,
          onText: (soFar) => {
            partial = soFar;
            firstTextAt ??= deps.now();
            // The first update comes one interval after the first words: an answer that arrives in one burst goes
            // straight to its final form instead of costing an extra post.
            if (options.showProgress && deps.now() - firstTextAt >= config.progressIntervalMs) progress.offer(screen(soFar));
          },
        },
        options.route.endpoints,
        { ...config, ...(last ? { maxOutputTokens: last.outputTokens } : {}) },
        endpointDeps,
        attempts,
        () =>
          log("warn", "model.maxTokensFieldRefused", {
            jobId: job.id,
            sentInstead: "max_tokens",
            hint: "set MODEL_MAX_TOKENS_FIELD=max_tokens (cdktf.json openaiMaxTokensField)",
          }),
      );
      const asked = result.toolCalls.length > 0 && offered.length > 0 && context !== undefined;
      answeredBy = endpoint.name;
      calls.push({
        reservedTokens,
        promptTexts,
        usage: result.usage,
        producedText: result.text + result.toolCalls.map((call) => call.name + call.arguments).join(""),
        price: endpoint.price
          ? {
              input: endpoint.price.inputPerMillionTokens,
              output: endpoint.price.outputPerMillionTokens,
              ...(endpoint.price.cachedInputPerMillionTokens === undefined ? {} : { cachedInput: endpoint.price.cachedInputPerMillionTokens }),
            }
          : options.price,
      });
      if (!asked) {
        const modelMs = deps.now() - startedAt;
        const timing = { modelMs, firstTextMs: firstTextAt === undefined ? undefined : firstTextAt - startedAt };
        const answer = screen(result.text);
        const fields = {
          modelMs,
          answerChars: result.text.length,
          finishReason: result.finishReason,
          progressPosts: progress.posted,
          ...endpointFields(),
          ...(result.usage ? { cachedTokens: calls.reduce((sum, call) => sum + (call.usage?.cachedInputTokens ?? 0), 0) } : {}),
          ...(tools.length > 0 || notice ? { toolRounds: round, sources: found.length + read.length, linksRemoved } : {}),
          // Counts by kind, never a value.
          ...(guarded && anyFound(guarded.counts) ? { personalData: guarded.counts } : {}),
          ...(config.logPrompts ? { answer: result.text } : {}),
        };
        if (answer.trim() === "")
          return { outcome: "emptyAnswer", texts: [messages.emptyAnswer], fields, calls, producedText: "", ...timing, attempts, allEndpointsFailed: false };
        const cited = citations(read, found).map((source) => ({ ...source, title: plainTitle(source.title, linkHosts) }));
        const masked = guarded && anyFound(guarded.counts) ? messages.personalDataMasked(describeCounts(guarded.counts)) : "";
        const footer = [cited.length > 0 ? toolMessages.sources(cited) : "", notice ?? "", last?.note ?? "", masked].filter(Boolean).join("\n\n");
        const texts = answerMessages(
          footer ? `${answer}\n\n${footer}` : answer,
          config.messageMaxChars,
          result.finishReason === "length" ? messages.cutOffNote : undefined,
        );
        // What is kept (follow-ups, 채널에 공유, 할 일로 만들기) is the screened answer, with the places it drew on.
        const places = [
          ...new Set(
            citations(read, found)
              .map((source) => source.place)
              .filter((place): place is string => Boolean(place)),
          ),
        ];
        return {
          outcome: "answered",
          texts,
          fields,
          calls,
          producedText: answer,
          ...(places.length > 0 ? { places } : {}),
          ...timing,
          attempts,
          allEndpointsFailed: false,
        };
      }
      // The tools run while the message says what the bot is looking up.
      if (options.showProgress)
        await post(
          job.responseUrl,
          { text: toolMessages.lookingUp(result.toolCalls.map((call) => call.name)), responseType: "ephemeral", replaceOriginal: true },
          { ...PROGRESS_POST, deadlineAt },
        );
      const toolRound = await runToolRound(result.text, result.toolCalls, context, log, job.id, toolBytes, guardToolResult);
      toolBytes = toolRound.bytes;
      toolsRan = true;
      found.push(...toolRound.found);
      read.push(...toolRound.read);
      conversation = [...conversation, ...toolRound.messages];
    }
  } catch (error) {
    const allFailed = error instanceof AllEndpointsFailed;
    const cause = allFailed ? error.last : error;
    const failure = classifyModelError(cause, { deadlinePassed: deadline.signal.aborted, streamStarted: partial !== "" });
    log("warn", "job.modelError", {
      jobId: job.id,
      failure,
      modelMs: deps.now() - startedAt,
      error: describeModelError(cause, config.logPrompts),
      ...(allFailed ? { allEndpointsFailed: true } : {}),
    });
    // What already arrived is kept: the person sees the partial answer and why it stopped. A channel kept in Korea is
    // told that the endpoints abroad were not tried.
    const shown = screen(partial);
    const said = options.route.excluded > 0 && partial === "" ? `${failureMessage(failure)}\n${messages.keptInKorea}` : failureMessage(failure);
    const texts = partial.trim() === "" ? [said] : answerMessages(shown, config.messageMaxChars, `⚠️ ${failureMessage(failure)}`);
    // A call that failed before its first words gives its whole reservation back; a partial answer is charged.
    const failedCall = { ...pending, usage: undefined, producedText: partial === "" ? undefined : partial, price: options.price };
    return {
      outcome: failure,
      texts,
      fields: { partialChars: partial.length, ...endpointFields() },
      calls: [...calls, failedCall],
      attempts,
      allEndpointsFailed: allFailed && options.route.endpoints.length > 1,
      producedText: partial === "" ? undefined : shown,
      modelMs: deps.now() - startedAt,
      firstTextMs: firstTextAt === undefined ? undefined : firstTextAt - startedAt,
    };
  } finally {
    clearTimeout(timer);
    // The last progress update lands before the final message, never after it.
    await progress.settle();
  }
}
