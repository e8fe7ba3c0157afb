import type { Job } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import { indexConversation, loadConversation, saveConversation, withTurn, type Conversation } from "../store/conversations.js";
import type { TableRef } from "../store/tableRef.js";
import type { TurnPlan } from "../store/turnPlan.js";

/**
 * Stores the answered turn and returns its absolute index (undefined if it could not be stored by `deadlineAt`). A
 * concurrent turn on the same conversation makes it read again and retry, as often as the time allows: N follow-ups
 * at once need up to N attempts. The turn carries its job's id, so a save whose answer was lost is found, not
 * repeated.
 */
export async function recordTurn(table: TableRef, job: Job, plan: Extract<TurnPlan, { ok: true }>, answer: string, nowSeconds: number, log: Logger, deadlineAt = Number.POSITIVE_INFINITY): Promise<number | undefined> {
  const within = { deadlineAt };
  let conversation: Conversation | undefined = plan.conversation ?? { id: plan.conversationId, tenantId: job.tenantId, channelId: job.channelId, userId: job.userId, firstTurn: 0, turns: [], version: 0 };
  // The person's index (what `npm run forget` reads) is a set: written beside the first save rather than after it,
  // it costs the delivery's bookkeeping no round trip of its own. An entry whose save never lands names nothing.
  let indexed: Promise<void> | undefined;
  for (let attempt = 1; conversation && attempt <= MAX_SAVE_ATTEMPTS && Date.now() < deadlineAt; attempt++) {
    const ours = conversation.turns.findIndex((turn) => turn.jobId === job.id);
    if (ours >= 0) return conversation.firstTurn + ours;
    // A follow-up that lost a race goes after whatever landed first; a regenerated answer keeps its turn.
    const index = job.thread?.kind === "followUp" ? conversation.firstTurn + conversation.turns.length : plan.turn;
    indexed ??= indexConversation(table, conversation, nowSeconds, within).catch((error: unknown) => log("warn", "job.conversationNotIndexed", { jobId: job.id, conversationId: plan.conversationId, error }));
    if ((await saveConversation(table, withTurn(conversation, index, { question: plan.question, answer, jobId: job.id }), nowSeconds, within)) === "saved") {
      await indexed;
      return index;
    }
    // Spread the racers out a little, so they do not meet again on the next attempt.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    conversation = await loadConversation(table, plan.conversationId, nowSeconds, within);
  }
  log("warn", "job.turnNotRecorded", { jobId: job.id, conversationId: plan.conversationId });
  return undefined;
}

/** Enough for every follow-up a reserved concurrency can run at once on one conversation, each landing in turn. */
const MAX_SAVE_ATTEMPTS = 50;
