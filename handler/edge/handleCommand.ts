import { channelSettings } from "../channelProfiles.js";
import { commandMessages } from "../dooray/commandMessages.js";
import { newJob, tenantDomainOrUndefined } from "../job/signedJob.js";
import type { DoorayCommand, HttpResult } from "../types.js";
import { ephemeral, refused, type EdgeDeps, type VerifiedRequest } from "./edgeDeps.js";
import { handOver } from "./handOver.js";
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
  const who = { tenantId: command.tenantId, channelId: command.channelId, userId: command.userId };
  const job = newJob({ ...who, text: question, responseUrl: command.responseUrl, ...(tenantDomain ? { tenantDomain } : {}) }, deps.now(), request.requestId);
  const handed = await handOver(job, request.appToken, deps, {
    jobId: job.id,
    ...who,
    textChars: question.length,
    ...(deps.config.logPrompts ? { text: question } : {}),
  });
  if (handed.ok) return ephemeral(commandMessages.ack);
  // Refused and logged by handOver; the person reads why.
  if (handed.why === "responseUrl") return { statusCode: handed.status, body: { text: commandMessages.edge.responseUrlNotAllowed } };
  return ephemeral(commandMessages.dispatchFailed);
}
