import { messages } from "../dooray/messages.js";
import { FINAL_POST, postToDooray } from "../dooray/postToDooray.js";
import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import type { DialogRef } from "../job/conversationRef.js";
import { loadConversation } from "../store/conversations.js";
import type { HttpResult } from "../types.js";
import { edgeRead } from "./budgetAtEdge.js";
import type { DialogSubmission } from "./readInteraction.js";
import { owner, type InteractionDeps } from "./startJob.js";

/**
 * The share dialog confirmed (an answer built from Dooray content, whose places it named): the stored question and
 * answer go to the channel as a new message through the submission's responseUrl, as 채널에 공유 posts any other.
 * The dialog closes (200, nothing) once Dooray took it; otherwise its field says so, and nothing was shared.
 */
export async function shareConfirmed(submission: DialogSubmission, ref: DialogRef, deps: InteractionDeps): Promise<HttpResult> {
  const { config, log } = deps;
  const fieldError = (error: string): HttpResult => ({ statusCode: 200, body: { errors: [{ name: "confirm", error }] } });
  if (submission.fields.confirm !== "share") return fieldError(messages.shareFailed);
  if (!deps.table || !submission.responseUrl || !responseUrlAllowed(submission.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl).ok) {
    log("warn", "share.failed", { ...owner(submission), reason: !deps.table ? "no table" : "responseUrl not allowed" });
    return fieldError(messages.shareFailed);
  }
  const conversation = await loadConversation(deps.table, ref.conversationId, Math.floor(deps.now() / 1000), edgeRead()).catch(() => undefined);
  const turn =
    conversation?.userId === submission.userId && conversation.channelId === submission.channelId
      ? conversation.turns[ref.turn - conversation.firstTurn]
      : undefined;
  if (!turn) return fieldError(messages.conversationGone);
  let text = messages.shared(submission.userName ?? submission.userId, turn.question, turn.answer);
  if (text.length > config.messageMaxChars) text = `${text.slice(0, config.messageMaxChars - messages.sharedCut.length - 1)}\n${messages.sharedCut}`;
  const posted = await postToDooray(submission.responseUrl, { responseType: "inChannel", replaceOriginal: false, text }, { ...FINAL_POST, attempts: 2 });
  if (!posted.ok) {
    log("warn", "share.failed", { ...owner(submission), reason: posted.reason });
    return fieldError(messages.shareFailed);
  }
  log("info", "press.shared", { ...owner(submission), conversationId: ref.conversationId, turn: ref.turn, confirmed: true, places: turn.places?.length ?? 0 });
  return { statusCode: 200, body: {} };
}
