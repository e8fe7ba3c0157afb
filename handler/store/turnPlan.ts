import type { CallLimits } from "../aws/awsRequest.js";
import type { Job } from "../job/signedJob.js";
import { loadConversation, type Conversation, type Turn } from "./conversations.js";
import type { TableRef } from "./tableRef.js";
import { tokenBound } from "./tokenEstimate.js";

/** One message the model receives. */
export interface PromptMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

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
export async function planTurn(table: TableRef, job: Job, nowSeconds: number, within: CallLimits = {}): Promise<TurnPlan> {
  if (!job.thread) return { ok: true, conversation: undefined, conversationId: job.id, turn: 0, question: job.text, history: [] };
  const conversation = await loadConversation(table, job.thread.conversationId, nowSeconds, within);
  if (!conversation || conversation.userId !== job.userId || conversation.channelId !== job.channelId || conversation.tenantId !== job.tenantId)
    return { ok: false };
  const index = job.thread.turn - conversation.firstTurn;
  if (job.thread.kind === "regenerate") {
    const turn = conversation.turns[index];
    if (!turn) return { ok: false };
    return {
      ok: true,
      conversation,
      conversationId: conversation.id,
      turn: job.thread.turn,
      question: turn.question,
      history: conversation.turns.slice(0, index),
    };
  }
  return {
    ok: true,
    conversation,
    conversationId: conversation.id,
    turn: conversation.firstTurn + conversation.turns.length,
    question: job.text,
    history: conversation.turns,
  };
}

/**
 * The model's messages: the system prompt, as many earlier turns as fit in `contextTokens` (the newest kept, the
 * oldest dropped first), then the question.
 */
export function promptFor(systemPrompt: string, history: readonly Turn[], question: string, contextTokens: number): PromptMessage[] {
  const kept: Turn[] = [];
  let used = 0;
  for (const turn of [...history].reverse()) {
    used += tokenBound(turn.question) + tokenBound(turn.answer);
    if (used > contextTokens) break;
    kept.unshift(turn);
  }
  return [
    { role: "system", content: systemPrompt },
    ...kept.flatMap((turn): PromptMessage[] => [
      { role: "user", content: turn.question },
      { role: "assistant", content: turn.answer },
    ]),
    { role: "user", content: question },
  ];
}
