import { messages } from "../dooray/messages.js";
import { followUpDialog, openDialog, taskDialog, TASK_BODY_MAX_CHARS, TASK_TITLE_MAX_CHARS, type Dialog } from "../dooray/openDialog.js";
import { dialogRef, readConversationRef, readDialogRef, type ConversationRef, type DialogKind } from "../job/conversationRef.js";
import { jobClaimed } from "../store/jobClaims.js";
import { randomBytes } from "node:crypto";
import { newJob, signJob, tenantDomainOrUndefined, type Job, type JobThread } from "../job/signedJob.js";
import { outcomeMetrics } from "../metrics.js";
import { loadConversation, type Turn } from "../store/conversations.js";
import type { DoorayMessage, HttpResult } from "../types.js";
import { budgetRefusal, edgeRead } from "./budgetAtEdge.js";
import { channelSettings } from "../channelProfiles.js";
import { planTurn, promptFor } from "../store/turnPlan.js";
import type { TableRef } from "../store/tableRef.js";
import type { EdgeDeps } from "./handleCommand.js";
import type { ButtonPress, DialogSubmission, Interaction } from "./readInteraction.js";
import { responseUrlAllowed } from "./responseUrlAllowed.js";

/** What interactions need beyond a command: the tokens a reference may be signed with, and the current one to sign. */
export interface InteractionDeps extends EdgeDeps {
  readonly refTokens: () => Promise<string[]>;
  readonly currentToken: string;
}

const ephemeralNote = (text: string): HttpResult => ({ statusCode: 200, body: { responseType: "ephemeral", replaceOriginal: false, text } });
const owner = (interaction: Interaction) => ({ tenantId: interaction.tenantId, channelId: interaction.channelId, userId: interaction.userId });

/**
 * A button under an answer (docs/architecture.md, "Interactive answers"). The value is a signed reference to the
 * asker's conversation: anyone else's press, or a made-up value, is refused kindly and changes nothing.
 */
export async function handlePress(press: ButtonPress, deps: InteractionDeps, requestId: string | undefined): Promise<HttpResult> {
  const { config, log } = deps;
  const who = owner(press);
  if (config.tenantIds.length > 0 && !config.tenantIds.includes(press.tenantId)) {
    log("warn", "request.refused", { status: 403, reason: "tenant not allowed", ...who });
    return { statusCode: 403, body: { text: messages.edge.tenantNotAllowed } };
  }
  const check = readConversationRef(press.actionValue, who, await deps.refTokens(), deps.now());
  if (!check.ok) {
    log("warn", "press.refused", { ...who, reason: check.reason });
    return ephemeralNote(check.reason === "expired" ? messages.pressExpired : messages.pressNotYours);
  }
  const ref = check.ref;
  log("info", "press.accepted", { ...who, action: ref.action, conversationId: ref.conversationId, turn: ref.turn });
  if (ref.action === "share") return share(press, ref, check.issuedAtMs, deps);
  if (ref.action === "followUp") return openConversationDialog(press, ref, "followUp", followUpDialog(config.maxQuestionChars), deps);
  if (ref.action === "task") return openTaskDialog(press, ref, check.issuedAtMs, deps);
  // 다시 생성: the same acknowledgement and progress as a new question, replacing the answer in place.
  const refused = await startJob(press, "", { kind: "regenerate", conversationId: ref.conversationId, turn: ref.turn }, deps, requestId);
  return refused ? ephemeralNote(refused) : { statusCode: 200, body: { responseType: "ephemeral", replaceOriginal: true, text: messages.ack } };
}

/** A button this young may have come before its answer was stored (the worker stores it beside the delivery). */
const JUST_ANSWERED_MS = 60_000;
/** How long 채널에 공유 waits for such an answer to be stored, well inside the seconds Dooray waits for the press. */
const SHARE_WAIT_MS = 1_500;
const SHARE_POLL_MS = 150;

/** The turn a button sits under, as stored; the press's answer instead when it cannot be read or is gone. */
async function storedTurn(press: ButtonPress, ref: ConversationRef, issuedAtMs: number, deps: InteractionDeps): Promise<Turn | HttpResult> {
  if (!deps.table) return ephemeralNote(messages.pressUnavailable);
  const table = deps.table;
  const waitUntil = deps.now() - issuedAtMs < JUST_ANSWERED_MS ? Date.now() + SHARE_WAIT_MS : 0;
  let turn: Turn | undefined;
  for (;;) {
    try {
      const conversation = await loadConversation(table, ref.conversationId, Math.floor(deps.now() / 1000), edgeRead());
      turn = conversation?.userId === press.userId && conversation.channelId === press.channelId ? conversation.turns[ref.turn - conversation.firstTurn] : undefined;
    } catch (error) {
      deps.log("warn", "press.storeUnavailable", { ...owner(press), error });
      return ephemeralNote(messages.pressUnavailable);
    }
    if (turn || Date.now() + SHARE_POLL_MS > waitUntil) break;
    await new Promise((resolve) => setTimeout(resolve, SHARE_POLL_MS));
  }
  if (!turn) {
    deps.log("warn", "press.conversationGone", { ...owner(press), conversationId: ref.conversationId, turn: ref.turn, buttonAgeMs: deps.now() - issuedAtMs });
    return ephemeralNote(messages.conversationGone);
  }
  return turn;
}

const isTurn = (value: Turn | HttpResult): value is Turn => "answer" in value;

/** 채널에 공유: the question and its answer posted to the channel, attributed to the asker; the private copy stays. */
async function share(press: ButtonPress, ref: ConversationRef, issuedAtMs: number, deps: InteractionDeps): Promise<HttpResult> {
  const turn = await storedTurn(press, ref, issuedAtMs, deps);
  if (!isTurn(turn)) return turn;
  let text = messages.shared(press.userName ?? press.userId, turn.question, turn.answer);
  if (text.length > deps.config.messageMaxChars) text = `${text.slice(0, deps.config.messageMaxChars - messages.sharedCut.length - 1)}\n${messages.sharedCut}`;
  deps.log("info", "press.shared", { ...owner(press), conversationId: ref.conversationId, turn: ref.turn });
  const shared: DoorayMessage = { responseType: "inChannel", replaceOriginal: false, text };
  return { statusCode: 200, body: shared };
}

/** 할 일로 만들기: a dialog prefilled from the stored question and answer; only its submission creates the task. */
async function openTaskDialog(press: ButtonPress, ref: ConversationRef, issuedAtMs: number, deps: InteractionDeps): Promise<HttpResult> {
  if (channelSettings(deps.config, press.channelId).dooray?.taskProject === undefined) return ephemeralNote(messages.taskNotConfigured);
  const turn = await storedTurn(press, ref, issuedAtMs, deps);
  if (!isTurn(turn)) return turn;
  return openConversationDialog(press, ref, "task", taskDialog(turn.question, turn.answer), deps);
}

/** 이어서 질문 and 할 일로 만들기: open Dooray's dialog, whose submission comes back with our signed reference as its callbackId. */
async function openConversationDialog(press: ButtonPress, ref: ConversationRef, kind: DialogKind, dialog: Dialog, deps: InteractionDeps): Promise<HttpResult> {
  const { config, log } = deps;
  const apiBase = config.doorayApiBaseUrl ?? (press.tenantDomain ? `https://${press.tenantDomain}` : undefined);
  const baseCheck = apiBase ? responseUrlAllowed(`${apiBase}/`, config.responseUrlHosts, config.allowInsecureResponseUrl) : undefined;
  if (!apiBase || !baseCheck?.ok || !press.cmdToken || !press.triggerId) {
    log("warn", "press.dialogFailed", { ...owner(press), reason: !apiBase ? "no tenant domain" : !baseCheck?.ok ? "tenant domain not allowed" : "no cmdToken or triggerId" });
    return ephemeralNote(messages.dialogFailed);
  }
  const callbackId = dialogRef({ kind, conversationId: ref.conversationId, turn: ref.turn, dialogId: randomBytes(12).toString("base64url") }, owner(press), deps.currentToken, deps.now());
  const opened = await openDialog({ apiBase, channelId: press.channelId, cmdToken: press.cmdToken, triggerId: press.triggerId, callbackId, dialog });
  if (!opened.ok) {
    log("warn", "press.dialogFailed", { ...owner(press), reason: opened.reason });
    return ephemeralNote(messages.dialogFailed);
  }
  // The answer to the press leaves the message as it was (Dooray would otherwise replace it with this answer).
  return { statusCode: 200, body: (press.originalMessage as DoorayMessage | undefined) ?? { responseType: "ephemeral", replaceOriginal: false, text: messages.followUpDialog.placeholder } };
}

/**
 * The follow-up dialog's submission. Its callbackId is the signed reference we gave that dialog (a purpose of its
 * own, bound to the asker), good for one question: the follow-up's job takes the dialog's id as its own, and a
 * dialog whose job exists is refused here (the worker's claim settles two submissions racing past this check).
 * Dooray's submission may lack the app token: then the reference is the only credential, and a caller whose
 * reference fails learns nothing but 401. The answer to Dooray is 200 with nothing (the dialog closes) or the
 * field's error, shown in the dialog.
 */
export async function handleDialogSubmission(submission: DialogSubmission, deps: InteractionDeps, requestId: string | undefined, carriedAppToken: boolean): Promise<HttpResult> {
  const { config, log } = deps;
  const who = owner(submission);
  let field = "question";
  const fieldError = (error: string): HttpResult => ({ statusCode: 200, body: { errors: [{ name: field, error }] } });
  const refuse = (reason: string, error: string): HttpResult => {
    log("warn", "dialog.refused", { ...who, reason, carriedAppToken });
    return carriedAppToken ? fieldError(error) : { statusCode: 401, body: { text: messages.edge.unauthorized } };
  };
  const check = readDialogRef(submission.callbackId, who, await deps.refTokens(), deps.now());
  if (!check.ok) return refuse(check.reason, check.reason === "expired" ? messages.pressExpired : messages.pressNotYours);
  const { dialogId, kind } = check.ref;
  if (kind === "task") field = "title";
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
    const refused = await startJob(submission, "", { kind: "createTask", conversationId: check.ref.conversationId, turn: check.ref.turn }, deps, dialogId, task);
    return refused ? fieldError(refused) : { statusCode: 200, body: {} };
  }
  const question = (submission.fields.question ?? "").trim();
  if (question === "") return fieldError(messages.followUpEmpty);
  if (question.length > config.maxQuestionChars) return fieldError(messages.questionTooLong(config.maxQuestionChars));
  const refused = await startJob(submission, question, { kind: "followUp", conversationId: check.ref.conversationId, turn: check.ref.turn }, deps, dialogId);
  return refused ? fieldError(refused) : { statusCode: 200, body: {} };
}

/**
 * Checks the responseUrl and the budgets, then hands the job over; returns the sentence for the person if not. The
 * budget check reads the stored conversation, so it judges what the worker will reserve (the stored question and
 * the turns before it, not an empty text): a regeneration the day cannot hold is refused here, leaving the answer.
 */
async function startJob(interaction: Interaction, text: string, thread: JobThread, deps: InteractionDeps, jobId: string | undefined, task?: Job["task"]): Promise<string | undefined> {
  const { config, log } = deps;
  const who = owner(interaction);
  const urlCheck = interaction.responseUrl ? responseUrlAllowed(interaction.responseUrl, config.responseUrlHosts, config.allowInsecureResponseUrl) : undefined;
  if (!interaction.responseUrl || !urlCheck?.ok) {
    log("warn", "request.refused", { status: 403, reason: urlCheck && !urlCheck.ok ? urlCheck.reason : "no responseUrl", ...who });
    return messages.edge.responseUrlNotAllowed;
  }
  // The job's id: the request's (a press), or the dialog's (a follow-up, so that it is answered once).
  const tenantDomain = tenantDomainOrUndefined(interaction.tenantDomain);
  const job = { ...newJob({ ...who, text, responseUrl: interaction.responseUrl, ...(tenantDomain ? { tenantDomain } : {}), ...(task ? { task } : {}) }, deps.now(), jobId), thread };
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
  const signed = signJob(job, deps.currentToken);
  try {
    await deps.dispatch(signed);
  } catch (error) {
    log("error", "request.dispatchFailed", { jobId: job.id, ...who, error });
    return messages.dispatchFailed;
  }
  log("info", "request.accepted", { jobId: job.id, ...who, kind: thread.kind, conversationId: thread.conversationId, turn: thread.turn });
  return undefined;
}

/** The budgets' answer to this job's real prompt (the worker judges a gone conversation itself). */
async function budgetRefusalFor(job: Job, table: TableRef, deps: InteractionDeps): Promise<{ scope: "user" | "channel"; text: string } | undefined> {
  const plan = await planTurn(table, job, Math.floor(deps.now() / 1000), edgeRead());
  if (!plan.ok) return undefined;
  const prompt = promptFor(channelSettings(deps.config, job.channelId).systemPrompt, plan.history, plan.question, deps.config.conversationContextTokens);
  return budgetRefusal(table, job, prompt.map((message) => message.content), deps.config, deps.now());
}
