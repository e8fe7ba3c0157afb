import type { UsageScope } from "../store/tableKeys.js";
import { channelSettings } from "../channelProfiles.js";
import { messages } from "../dooray/messages.js";
import { newJob, tenantDomainOrUndefined, type Job, type JobThread } from "../job/signedJob.js";
import { outcomeMetrics } from "../metrics.js";
import type { TableRef } from "../store/tableRef.js";
import { planTurn, promptFor } from "../store/turnPlan.js";
import type { HttpResult } from "../types.js";
import { budgetRefusal, edgeRead } from "./budgetAtEdge.js";
import type { EdgeDeps, VerifiedRequest } from "./edgeDeps.js";
import { handOver } from "./handOver.js";
import type { Interaction } from "./readInteraction.js";

/** What presses and dialogs need beyond a command: the tokens a reference may be signed with, and the current one to sign. */
export interface InteractionDeps extends EdgeDeps {
  readonly refTokens: () => Promise<string[]>;
  readonly currentToken: string;
}

export function interactionDeps(request: VerifiedRequest, deps: EdgeDeps): InteractionDeps {
  return { ...deps, currentToken: request.appToken, refTokens: deps.refTokens ?? (async () => [request.appToken]) };
}

/** A note under the message the button sat in, leaving that message as it was. */
export const ephemeralNote = (text: string): HttpResult => ({ statusCode: 200, body: { responseType: "ephemeral", replaceOriginal: false, text } });
export const owner = (interaction: Interaction) => ({ tenantId: interaction.tenantId, channelId: interaction.channelId, userId: interaction.userId });

/**
 * Checks the responseUrl and the budgets, then hands the job over; returns the sentence for the person if not. The
 * budget check reads the stored conversation, so it judges what the worker will reserve (the stored question and
 * the turns before it, not an empty text): a regeneration the day cannot hold is refused here, leaving the answer.
 */
export async function startJob(
  interaction: Interaction,
  text: string,
  thread: JobThread,
  deps: InteractionDeps,
  jobId: string | undefined,
  task?: Job["task"],
): Promise<string | undefined> {
  const { config, log } = deps;
  const who = owner(interaction);
  if (!interaction.responseUrl) {
    log("warn", "request.refused", { status: 403, reason: "no responseUrl", ...who });
    return messages.edge.responseUrlNotAllowed;
  }
  // The job's id: the request's (a press), or the dialog's (a follow-up, so that it is answered once).
  const tenantDomain = tenantDomainOrUndefined(interaction.tenantDomain);
  const job = {
    ...newJob({ ...who, text, responseUrl: interaction.responseUrl, ...(tenantDomain ? { tenantDomain } : {}), ...(task ? { task } : {}) }, deps.now(), jobId),
    thread,
  };
  // Making a task calls no model: no budget to check.
  if (deps.table && thread.kind !== "createTask") {
    const refusal = await budgetRefusalFor(job, deps.table, deps).catch((error: unknown) => {
      // The worker reserves with a conditional write; a slow or failed read here only loses the quick answer.
      log("warn", "request.budgetUnread", { ...who, error });
      return undefined;
    });
    if (refusal) {
      log("info", "request.refusedByBudget", { ...who, scope: refusal.scope, kind: thread.kind, ...outcomeMetrics(config.environmentName, "refusedByBudget") });
      return refusal.text;
    }
  }
  const handed = await handOver(job, deps.currentToken, deps, {
    jobId: job.id,
    ...who,
    kind: thread.kind,
    conversationId: thread.conversationId,
    turn: thread.turn,
  });
  if (handed.ok) return undefined;
  return handed.why === "responseUrl" ? messages.edge.responseUrlNotAllowed : messages.dispatchFailed;
}

/** The budgets' answer to this job's real prompt (the worker judges a gone conversation itself). */
async function budgetRefusalFor(job: Job, table: TableRef, deps: InteractionDeps): Promise<{ scope: UsageScope; text: string } | undefined> {
  const plan = await planTurn(table, job, Math.floor(deps.now() / 1000), edgeRead());
  if (!plan.ok) return undefined;
  const prompt = promptFor(channelSettings(deps.config, job.channelId).systemPrompt, plan.history, plan.question, deps.config.conversationContextTokens);
  return budgetRefusal(
    table,
    job,
    prompt.map((message) => message.content),
    deps.config,
    deps.now(),
  );
}
