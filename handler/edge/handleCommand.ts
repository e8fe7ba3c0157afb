import type { BotConfig } from "../config.js";
import { newJob, signJob, tenantDomainOrUndefined, type SignedJob } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import { messages } from "../dooray/messages.js";
import type { DoorayCommand, HttpResult } from "../types.js";
import { readBody, type FunctionUrlEvent } from "./functionUrlEvent.js";
import { parseJsonBody, presentedToken, readCommand } from "./parseCommand.js";
import { responseUrlAllowed } from "./responseUrlAllowed.js";
import { verifyAppToken } from "./verifyAppToken.js";
import { budgetRefusal, usageText } from "./budgetAtEdge.js";
import { outcomeMetrics } from "../metrics.js";
import type { BudgetOwner } from "../store/budgets.js";
import type { TableRef } from "../store/tableRef.js";
import { channelSettings } from "../channelProfiles.js";
import { handleDialogSubmission, handlePress } from "./handleInteraction.js";
import { isButtonPress, isDialogSubmission, readButtonPress, readDialogSubmission } from "./readInteraction.js";

export interface EdgeDeps {
  readonly config: BotConfig;
  /** The token requests must carry; undefined when none is configured (every request is then refused). */
  readonly appToken: () => Promise<string | undefined>;
  /** Hands a signed job to the worker without waiting for its answer. */
  readonly dispatch: (job: SignedJob) => Promise<void>;
  readonly log: Logger;
  readonly now: () => number;
  /** The budgets' table; without one, `/gpt usage` says it cannot read the use and the worker alone keeps budgets. */
  readonly table?: TableRef | undefined;
  /** Tokens a button's reference may be signed with (current, previous); by default the current one only. */
  readonly refTokens?: () => Promise<string[]>;
}

const HELP_WORDS = new Set(["", "help", "도움말", "-h", "--help", "?"]);
const USAGE_WORDS = new Set(["usage", "사용량"]);

/**
 * The request edge, for everything Dooray posts to the Function URL: commands, button presses and dialog
 * submissions (told apart by shape). Every check before any work, then a signed job handed off and an
 * acknowledgement returned. Nothing here waits for the model.
 */
export async function handleCommand(event: FunctionUrlEvent, deps: EdgeDeps): Promise<HttpResult> {
  const { config, log } = deps;
  const refuse = (statusCode: number, text: string, reason: string, fields: Record<string, unknown> = {}): HttpResult => {
    log("warn", "request.refused", { status: statusCode, reason, ...fields });
    return { statusCode, body: { text } };
  };

  if (event.requestContext.http.method.toUpperCase() !== "POST") {
    return refuse(405, messages.edge.methodNotAllowed, `method ${event.requestContext.http.method}`);
  }
  const body = readBody(event);
  if (!body.ok) return refuse(413, messages.edge.tooLarge, "body over 64 KiB");

  const parsed = parseJsonBody(body.text);
  if (!parsed.ok) return refuse(400, messages.edge.malformed, parsed.reason);

  // The token first, whatever else the body holds: a caller without it learns nothing about the schema. A dialog
  // submission may come without one; its signed callbackId is then what vouches for it.
  const presented = presentedToken(parsed.fields);
  const submission = isDialogSubmission(parsed.fields);
  if (presented === undefined && !submission) return refuse(401, messages.edge.unauthorized, "appToken missing");
  let expectedToken: string | undefined;
  try {
    expectedToken = await deps.appToken();
  } catch (error) {
    // Without the token nothing can be verified; say so rather than let Dooray time out.
    deps.log("error", "request.secretUnavailable", { error });
    return { statusCode: 503, body: { text: messages.secretUnavailable } };
  }
  if (!expectedToken || (presented !== undefined && !verifyAppToken(presented, expectedToken))) {
    return refuse(401, messages.edge.unauthorized, expectedToken ? "appToken mismatch" : "no appToken configured");
  }
  const requestId = event.requestContext.requestId;
  if (submission || isButtonPress(parsed.fields)) {
    const interactionDeps = { ...deps, currentToken: expectedToken, refTokens: deps.refTokens ?? (async () => [expectedToken]) };
    if (submission) {
      const read = readDialogSubmission(parsed.fields);
      if (!read.ok) return refuse(presented === undefined ? 401 : 400, presented === undefined ? messages.edge.unauthorized : messages.edge.malformed, read.reason);
      return handleDialogSubmission(read.value, interactionDeps, requestId, presented !== undefined);
    }
    const read = readButtonPress(parsed.fields);
    if (!read.ok) return refuse(400, messages.edge.malformed, read.reason);
    return handlePress(read.value, interactionDeps, requestId);
  }

  const read = readCommand(parsed.fields);
  if (!read.ok) return refuse(400, messages.edge.malformed, read.reason);
  const command = read.command;
  const who = { tenantId: command.tenantId, channelId: command.channelId, userId: command.userId };

  if (config.tenantIds.length > 0 && !config.tenantIds.includes(command.tenantId)) {
    return refuse(403, messages.edge.tenantNotAllowed, "tenant not allowed", who);
  }
  const urlCheck = responseUrlAllowed(command.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!urlCheck.ok) return refuse(urlCheck.status, messages.edge.responseUrlNotAllowed, urlCheck.reason, who);

  const question = command.text.trim();
  if (HELP_WORDS.has(question.toLowerCase())) {
    log("info", "request.help", who);
    const profileName = channelSettings(config, command.channelId).profileName;
    return ephemeral(profileName ? messages.helpWithProfile(profileName) : messages.help);
  }
  if (USAGE_WORDS.has(question.toLowerCase())) return answerUsage(who, deps);
  if (question.length > config.maxQuestionChars) {
    log("info", "request.tooLong", { ...who, textChars: question.length });
    return ephemeral(messages.questionTooLong(config.maxQuestionChars));
  }
  return dispatchQuestion(command, question, expectedToken, deps, requestId);
}

async function answerUsage(who: BudgetOwner, deps: EdgeDeps): Promise<HttpResult> {
  if (!deps.table) return ephemeral(messages.usageUnavailable);
  try {
    const text = await usageText(deps.table, who, deps.config, deps.now());
    deps.log("info", "request.usage", { ...who });
    return ephemeral(text);
  } catch (error) {
    deps.log("warn", "request.usageUnavailable", { ...who, error });
    return ephemeral(messages.usageUnavailable);
  }
}

/** A question today's budgets cannot hold is refused here, with no job and no model call. */
async function refusedByBudget(who: BudgetOwner, question: string, deps: EdgeDeps): Promise<HttpResult | undefined> {
  if (!deps.table) return undefined;
  let refusal;
  try {
    refusal = await budgetRefusal(deps.table, who, [channelSettings(deps.config, who.channelId).systemPrompt, question], deps.config, deps.now());
  } catch (error) {
    // The worker checks again with a conditional write; a slow or failed read here only loses the quick answer.
    deps.log("warn", "request.budgetUnread", { ...who, error });
    return undefined;
  }
  if (!refusal) return undefined;
  deps.log("info", "request.refusedByBudget", { ...who, scope: refusal.scope, ...outcomeMetrics(deps.config.environmentName, "refusedByBudget") });
  return ephemeral(refusal.text);
}

async function dispatchQuestion(command: DoorayCommand, question: string, appToken: string, deps: EdgeDeps, requestId: string | undefined): Promise<HttpResult> {
  const refusal = await refusedByBudget({ tenantId: command.tenantId, channelId: command.channelId, userId: command.userId }, question, deps);
  if (refusal) return refusal;
  const job = signJob(
    newJob(
      { tenantId: command.tenantId, channelId: command.channelId, userId: command.userId, text: question, responseUrl: command.responseUrl, ...domainOf(command.tenantDomain) },
      deps.now(),
      requestId,
    ),
    appToken,
  );
  const fields = {
    jobId: job.id,
    tenantId: command.tenantId,
    channelId: command.channelId,
    userId: command.userId,
    textChars: question.length,
    ...(deps.config.logPrompts ? { text: question } : {}),
  };
  try {
    await deps.dispatch(job);
  } catch (error) {
    deps.log("error", "request.dispatchFailed", { ...fields, error });
    return ephemeral(messages.dispatchFailed);
  }
  deps.log("info", "request.accepted", fields);
  return ephemeral(messages.ack);
}

/** The command's tenant domain, when it is a host name, for the links under an answer. */
function domainOf(tenantDomain: string | undefined): { tenantDomain?: string } {
  const domain = tenantDomainOrUndefined(tenantDomain);
  return domain ? { tenantDomain: domain } : {};
}

function ephemeral(text: string): HttpResult {
  return { statusCode: 200, body: { responseType: "ephemeral", text } };
}
