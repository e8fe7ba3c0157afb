import { channelSettings } from "../channelProfiles.js";
import { commandMessages } from "../dooray/commandMessages.js";
import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import { newJob, signJob, tenantDomainOrUndefined } from "../job/signedJob.js";
import type { DoorayCommand, HttpResult } from "../types.js";
import { ephemeral, refused, type EdgeDeps, type VerifiedRequest } from "./edgeDeps.js";
import { readCommand } from "./parseCommand.js";

const HELP_WORDS = new Set(["", "help", "도움말", "-h", "--help", "?"]);
const USAGE_WORDS = new Set(["usage", "사용량"]);

/**
 * `/gpt <question>`: the command's checks, then a signed job handed to the worker and the acknowledgement, with one
 * network round trip (the Invoke) and nothing else. The daily budgets are the worker's: it reserves before any model
 * call and replaces the acknowledgement with the kind refusal when the day cannot hold the question.
 */
export async function handleCommand(request: VerifiedRequest, deps: EdgeDeps): Promise<HttpResult> {
  const { config, log } = deps;
  const read = readCommand(request.fields);
  if (!read.ok) return refused(deps, 400, commandMessages.edge.malformed, read.reason);
  const command = read.command;
  const who = { tenantId: command.tenantId, channelId: command.channelId, userId: command.userId };

  if (config.tenantIds.length > 0 && !config.tenantIds.includes(command.tenantId)) {
    return refused(deps, 403, commandMessages.edge.tenantNotAllowed, "tenant not allowed", who);
  }
  const urlCheck = responseUrlAllowed(command.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl);
  if (!urlCheck.ok) return refused(deps, urlCheck.status, commandMessages.edge.responseUrlNotAllowed, urlCheck.reason, who);

  const question = command.text.trim();
  if (HELP_WORDS.has(question.toLowerCase())) {
    log("info", "request.help", who);
    const profileName = channelSettings(config, command.channelId).profileName;
    return ephemeral(profileName ? commandMessages.helpWithProfile(profileName) : commandMessages.help);
  }
  if (USAGE_WORDS.has(question.toLowerCase())) return (await import("./answerUsage.js")).answerUsage(who, deps);
  if (question.length > config.maxQuestionChars) {
    log("info", "request.tooLong", { ...who, textChars: question.length });
    return ephemeral(commandMessages.questionTooLong(config.maxQuestionChars));
  }
  return dispatchQuestion(command, question, request, deps);
}

async function dispatchQuestion(command: DoorayCommand, question: string, request: VerifiedRequest, deps: EdgeDeps): Promise<HttpResult> {
  const tenantDomain = tenantDomainOrUndefined(command.tenantDomain);
  const job = signJob(
    newJob(
      { tenantId: command.tenantId, channelId: command.channelId, userId: command.userId, text: question, responseUrl: command.responseUrl, ...(tenantDomain ? { tenantDomain } : {}) },
      deps.now(),
      request.requestId,
    ),
    request.appToken,
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
    return ephemeral(commandMessages.dispatchFailed);
  }
  deps.log("info", "request.accepted", fields);
  return ephemeral(commandMessages.ack);
}
