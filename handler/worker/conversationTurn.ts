import type { Job } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import { loadConversation, saveConversation, withTurn, type Conversation, type Turn } from "../store/conversations.js";
import type { TableRef } from "../store/tableRef.js";
import { estimateTokens } from "../store/tokenEstimate.js";
import type { ModelRequest } from "./askModel.js";

/** Which turn a job answers, what it asks, and what came before it. */
export type TurnPlan =
  | {
      readonly ok: true;
      /** The stored conversation (undefined for a new question: this answer starts one, with the job's id). */
      readonly conversation: Conversation | undefined;
      readonly conversationId: string;
      /** Absolute index of the turn this answer fills. */
      readonly turn: number;
      readonly question: string;
      readonly history: readonly Turn[];
    }
  | { readonly ok: false };

/**
 * A new question starts a conversation (turn 0); 다시 생성 answers a stored turn's question again, with the turns
 * before it as history; 이어서 질문 adds a turn after all stored ones. A conversation that is gone (24 h), or not
 * this person's in this channel, is not continued.
 */
export async function planTurn(table: TableRef, job: Job, nowSeconds: number): Promise<TurnPlan> {
  if (!job.thread) return { ok: true, conversation: undefined, conversationId: job.id, turn: 0, question: job.text, history: [] };
  const conversation = await loadConversation(table, job.thread.conversationId, nowSeconds);
  if (!conversation || conversation.userId !== job.userId || conversation.channelId !== job.channelId || conversation.tenantId !== job.tenantId) return { ok: false };
  const index = job.thread.turn - conversation.firstTurn;
  if (job.thread.kind === "regenerate") {
    const turn = conversation.turns[index];
    if (!turn) return { ok: false };
    return { ok: true, conversation, conversationId: conversation.id, turn: job.thread.turn, question: turn.question, history: conversation.turns.slice(0, index) };
  }
  return { ok: true, conversation, conversationId: conversation.id, turn: conversation.firstTurn + conversation.turns.length, question: job.text, history: conversation.turns };
}

/**
 * The model's messages: the system prompt, as many earlier turns as fit in `contextTokens` (the newest kept, the
 * oldest dropped first), then the question.
 */
export function promptFor(systemPrompt: string, history: readonly Turn[], question: string, contextTokens: number): ModelRequest["messages"] {
  const kept: Turn[] = [];
  let used = 0;
  for (const turn of [...history].reverse()) {
    used += estimateTokens(turn.question) + estimateTokens(turn.answer);
    if (used > contextTokens) break;
    kept.unshift(turn);
  }
  return [
    { role: "system", content: systemPrompt },
    ...kept.flatMap((turn) => [
      { role: "user" as const, content: turn.question },
      { role: "assistant" as const, content: turn.answer },
    ]),
    { role: "user", content: question },
  ];
}

/**
 * Stores the answered turn and returns its absolute index (undefined if it could not be stored); a concurrent turn
 * on the same conversation makes it read again and retry, twice at most.
 */
export async function recordTurn(table: TableRef, job: Job, plan: Extract<TurnPlan, { ok: true }>, answer: string, nowSeconds: number, log: Logger): Promise<number | undefined> {
  let conversation: Conversation | undefined = plan.conversation ?? { id: plan.conversationId, tenantId: job.tenantId, channelId: job.channelId, userId: job.userId, firstTurn: 0, turns: [], version: 0 };
  for (let attempt = 1; attempt <= 3 && conversation; attempt++) {
    // A follow-up that lost a race goes after whatever landed first; a regenerated answer keeps its turn.
    const index = job.thread?.kind === "followUp" ? conversation.firstTurn + conversation.turns.length : plan.turn;
    if ((await saveConversation(table, withTurn(conversation, index, { question: plan.question, answer }), nowSeconds)) === "saved") return index;
    conversation = await loadConversation(table, plan.conversationId, nowSeconds);
  }
  log("warn", "job.turnNotRecorded", { jobId: job.id, conversationId: plan.conversationId });
  return undefined;
}
