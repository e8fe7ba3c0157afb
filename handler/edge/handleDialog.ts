import { messages } from "../dooray/messages.js";
import { TASK_BODY_MAX_CHARS, TASK_TITLE_MAX_CHARS } from "../dooray/openDialog.js";
import { DIALOG_REF_MAX_AGE_SECONDS, readDialogRef } from "../job/conversationRef.js";
import { jobClaimed } from "../store/jobClaims.js";
import type { HttpResult } from "../types.js";
import { edgeRead } from "./budgetAtEdge.js";
import { refused as refusedRequest, type EdgeDeps, type VerifiedRequest } from "./edgeDeps.js";
import { readDialogSubmission } from "./readInteraction.js";
import { shareConfirmed } from "./shareConfirmed.js";
import { interactionDeps, owner, startJob } from "./startJob.js";

/**
 * The follow-up dialog's submission. Its callbackId is the signed reference we gave that dialog (a purpose of its
 * own, bound to the asker), good for one question: the follow-up's job takes the dialog's id as its own, and a
 * dialog whose job exists is refused here (the worker's claim settles two submissions racing past this check).
 * Dooray's submission may lack the app token: then the reference is the only credential, and a caller whose
 * reference fails learns nothing but 401. The answer to Dooray is 200 with nothing (the dialog closes) or the
 * field's error, shown in the dialog.
 */
export async function handleDialog(request: VerifiedRequest, edgeDeps: EdgeDeps): Promise<HttpResult> {
  const carriedAppToken = request.carriedAppToken;
  const read = readDialogSubmission(request.fields);
  if (!read.ok)
    return refusedRequest(edgeDeps, carriedAppToken ? 400 : 401, carriedAppToken ? messages.edge.malformed : messages.edge.unauthorized, read.reason);
  const submission = read.value;
  const deps = interactionDeps(request, edgeDeps);
  const { config, log } = deps;
  const who = owner(submission);
  let field = "question";
  const fieldError = (error: string): HttpResult => ({ statusCode: 200, body: { errors: [{ name: field, error }] } });
  const refuse = (reason: string, error: string): HttpResult => {
    log("warn", "dialog.refused", { ...who, reason, carriedAppToken });
    return carriedAppToken ? fieldError(error) : { statusCode: 401, body: { text: messages.edge.unauthorized } };
  };
  const check = readDialogRef(submission.callbackId, who, await deps.refTokens(), deps.now());
  if (!check.ok && check.reason === "expired") {
    // On the dialog's own field, with the dialog's own limit (not the conversation's 24 hours).
    if (check.kind === "task") field = "title";
    if (check.kind === "share") field = "confirm";
    return refuse(check.reason, messages.dialogExpired(DIALOG_REF_MAX_AGE_SECONDS / 3600));
  }
  if (!check.ok) return refuse(check.reason, messages.pressNotYours);
  const { dialogId, kind } = check.ref;
  if (kind === "task") field = "title";
  // A share is no job: it posts the stored answer, once the person confirmed what it was built from.
  if (kind === "share") return shareConfirmed(submission, check.ref, deps);
  if (deps.table) {
    let used;
    try {
      used = await jobClaimed(deps.table, dialogId, edgeRead());
    } catch (error) {
      // Unread, the worker's claim still answers the dialog once.
      log("warn", "dialog.unread", { ...who, error });
    }
    if (used) return refuse("dialog already answered", kind === "task" ? messages.taskDialogUsed : messages.dialogUsed);
  }
  if (config.tenantIds.length > 0 && !config.tenantIds.includes(submission.tenantId)) return fieldError(messages.edge.tenantNotAllowed);
  if (kind === "task") {
    // Confirmed: the worker creates it (it alone holds the Dooray API token) and posts the new task's link.
    const title = (submission.fields.title ?? "").replace(/\s+/g, " ").trim();
    if (title === "") return fieldError(messages.taskTitleEmpty);
    const task = { title: title.slice(0, TASK_TITLE_MAX_CHARS), body: (submission.fields.body ?? "").slice(0, TASK_BODY_MAX_CHARS) };
    const refused = await startJob(
      submission,
      "",
      { kind: "createTask", conversationId: check.ref.conversationId, turn: check.ref.turn },
      deps,
      dialogId,
      task,
    );
    return refused ? fieldError(refused) : { statusCode: 200, body: {} };
  }
  const question = (submission.fields.question ?? "").trim();
  if (question === "") return fieldError(messages.followUpEmpty);
  if (question.length > config.maxQuestionChars) return fieldError(messages.questionTooLong(config.maxQuestionChars));
  const refused = await startJob(submission, question, { kind: "followUp", conversationId: check.ref.conversationId, turn: check.ref.turn }, deps, dialogId);
  return refused ? fieldError(refused) : { statusCode: 200, body: {} };
}
