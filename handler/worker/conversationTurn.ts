import type { Job } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import { indexConversation, loadConversation, saveConversation, withTurn, type Conversation } from "../store/conversations.js";
import type { TableRef } from "../store/tableRef.js";
import type { TurnPlan } from "../store/turnPlan.js";

/**
 * Stores the answered turn and returns its absolute index (undefined if it could not be stored by `deadlineAt`). A
 * concurrent turn on the same conversation makes it read again and retry, as often as the time allows: N follow-ups
 * at once need up to N attempts. The turn carries its job's id, so a save whose answer was lost is found, not
 * repeated. Undefined too when the person's index cannot be written, or they were forgotten after the job began.
 */
export async function recordTurn(
  table: TableRef,
  job: Job,
  plan: Extract<TurnPlan, { ok: true }>,
  answer: string,
  nowSeconds: number,
  log: Logger,
  deadlineAt = Number.POSITIVE_INFINITY,
  places?: readonly string[],
): Promise<number | undefined> {
  const within = { deadlineAt };
  let conversation: Conversation | undefined = plan.conversation ?? {
    id: plan.conversationId,
    tenantId: job.tenantId,
    channelId: job.channelId,
    userId: job.userId,
    firstTurn: 0,
    turns: [],
    version: 0,
  };
  // The person's index (what `npm run forget` reads) is written before each save, never beside it: a conversation
  // is stored only once its index holds it, and not at all for a person forgotten since the job was issued.
  for (let attempt = 1; conversation && attempt <= MAX_SAVE_ATTEMPTS && Date.now() < deadlineAt; attempt++) {
    const ours = conversation.turns.findIndex((turn) => turn.jobId === job.id);
    if (ours >= 0) return conversation.firstTurn + ours;
    // A follow-up that lost a race goes after whatever landed first; a regenerated answer keeps its turn.
    const index = job.thread?.kind === "followUp" ? conversation.firstTurn + conversation.turns.length : plan.turn;
    let indexed: "indexed" | "forgotten";
    try {
      indexed = await indexConversation(table, conversation, nowSeconds, within, job.issuedAt);
    } catch (error) {
      log("warn", "job.conversationNotIndexed", { jobId: job.id, conversationId: plan.conversationId, error });
      return undefined;
    }
    if (indexed === "forgotten") {
      log("info", "job.personForgotten", { jobId: job.id, conversationId: plan.conversationId });
      return undefined;
    }
    if (
      (await saveConversation(
        table,
        withTurn(conversation, index, { question: plan.question, answer, jobId: job.id, ...(places && places.length > 0 ? { places } : {}) }),
        nowSeconds,
        within,
      )) === "saved"
    )
      return index;
    // Spread the racers out a little, so they do not meet again on the next attempt.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    conversation = await loadConversation(table, plan.conversationId, nowSeconds, within);
  }
  log("warn", "job.turnNotRecorded", { jobId: job.id, conversationId: plan.conversationId });
  return undefined;
}

/** Enough for every follow-up a reserved concurrency can run at once on one conversation, each landing in turn. */
const MAX_SAVE_ATTEMPTS = 50;
