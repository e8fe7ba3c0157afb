import { conversationRef, type ConversationOwner } from "../job/conversationRef.js";
import type { DoorayAttachment } from "../types.js";
import { messages } from "./messages.js";

/** The callbackId of the block holding an answer's buttons (the buttons' own values say which conversation). */
export const ANSWER_CALLBACK_ID = "dooray-gpt-answer";

/**
 * 채널에 공유 · 다시 생성 · 이어서 질문 (and 할 일로 만들기 in a channel with a taskProject), under the last part of an answer. Each value is a signed reference to the
 * conversation and turn (about 90 characters), bound to the asker: never the answer itself.
 */
export function answerButtons(
  conversationId: string,
  turn: number,
  owner: ConversationOwner,
  appToken: string,
  nowMs: number,
  options: { withTask?: boolean } = {},
): DoorayAttachment[] {
  const value = (action: "share" | "regenerate" | "followUp" | "task") => conversationRef({ action, conversationId, turn }, owner, appToken, nowMs);
  return [
    {
      callbackId: ANSWER_CALLBACK_ID,
      actions: [
        { type: "button", text: messages.buttons.share, name: "share", value: value("share"), style: "primary" },
        { type: "button", text: messages.buttons.regenerate, name: "regenerate", value: value("regenerate") },
        { type: "button", text: messages.buttons.followUp, name: "followUp", value: value("followUp") },
        ...(options.withTask ? [{ type: "button" as const, text: messages.buttons.task, name: "task", value: value("task") }] : []),
      ],
    },
  ];
}
