import { channelSettings } from "../channelProfiles.js";
import { messages } from "../dooray/messages.js";
import { followUpDialog, shareDialog, openDialog, taskDialog, type Dialog } from "../dooray/openDialog.js";
import { responseUrlAllowed } from "../dooray/responseUrlAllowed.js";
import { dialogRef, readConversationRef, type ConversationAction, type ConversationRef, type DialogKind } from "../job/conversationRef.js";
import { loadConversation, type Turn } from "../store/conversations.js";
import type { DoorayMessage, HttpResult } from "../types.js";
import { randomBytes } from "node:crypto";
import { edgeRead } from "./budgetAtEdge.js";
import { refused as refusedRequest, type EdgeDeps, type VerifiedRequest } from "./edgeDeps.js";
import { ephemeralNote, interactionDeps, owner, startJob, type InteractionDeps } from "./startJob.js";
import { readButtonPress, type ButtonPress } from "./readInteraction.js";

/**
 * A button under an answer (docs/architecture.md, "Interactive answers"). The value is a signed reference to the
 * asker's conversation: anyone else's press, or a made-up value, is refused kindly and changes nothing.
 */
export async function handlePress(request: VerifiedRequest, edgeDeps: EdgeDeps): Promise<HttpResult> {
  const read = readButtonPress(request.fields);
  if (!read.ok) return refusedRequest(edgeDeps, 400, messages.edge.malformed, read.reason);
  const press = read.value;
  const deps = interactionDeps(request, edgeDeps);
  const requestId = request.requestId;
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
  return PRESS_ACTIONS[ref.action]({ press, ref, issuedAtMs: check.issuedAtMs, deps, requestId });
}

/** A verified press, with what its action needs. */
interface Press {
  readonly press: ButtonPress;
  readonly ref: ConversationRef;
  readonly issuedAtMs: number;
  readonly deps: InteractionDeps;
  readonly requestId: string | undefined;
}

/** Every button under an answer and what it does, at a glance (edge/routes.ts lists the shapes that lead here). */
const PRESS_ACTIONS: Readonly<Record<ConversationAction, (pressed: Press) => Promise<HttpResult>>> = {
  /** 채널에 공유: the question and answer to the channel, or first a dialog that asks when Dooray content is in it. */
  share: ({ press, ref, issuedAtMs, deps }) => share(press, ref, issuedAtMs, deps),
  /** 이어서 질문: a dialog whose question is answered with the conversation so far. */
  followUp: ({ press, ref, deps }) => openConversationDialog(press, ref, "followUp", followUpDialog(deps.config.maxQuestionChars), deps),
  /** 할 일로 만들기: a dialog prefilled from the question and the answer. */
  task: ({ press, ref, issuedAtMs, deps }) => openTaskDialog(press, ref, issuedAtMs, deps),
  /** 다시 생성: the same acknowledgement and progress as a new question, replacing the answer in place. */
  regenerate: async ({ press, ref, deps, requestId }) => {
    const refused = await startJob(press, "", { kind: "regenerate", conversationId: ref.conversationId, turn: ref.turn }, deps, requestId);
    return refused ? ephemeralNote(refused) : { statusCode: 200, body: { responseType: "ephemeral", replaceOriginal: true, text: messages.ack } };
  },
};

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
      turn =
        conversation?.userId === press.userId && conversation.channelId === press.channelId ? conversation.turns[ref.turn - conversation.firstTurn] : undefined;
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
  // Built from Dooray content: the channel's members may not be those projects' members. Ask first, naming them.
  if (turn.places && turn.places.length > 0) return openConversationDialog(press, ref, "share", shareDialog(turn.places), deps);
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
    log("warn", "press.dialogFailed", {
      ...owner(press),
      reason: !apiBase ? "no tenant domain" : !baseCheck?.ok ? "tenant domain not allowed" : "no cmdToken or triggerId",
    });
    return ephemeralNote(messages.dialogFailed);
  }
  const callbackId = dialogRef(
    { kind, conversationId: ref.conversationId, turn: ref.turn, dialogId: randomBytes(12).toString("base64url") },
    owner(press),
    deps.currentToken,
    deps.now(),
  );
  const opened = await openDialog({ apiBase, channelId: press.channelId, cmdToken: press.cmdToken, triggerId: press.triggerId, callbackId, dialog });
  if (!opened.ok) {
    log("warn", "press.dialogFailed", { ...owner(press), reason: opened.reason });
    return ephemeralNote(messages.dialogFailed);
  }
  // The answer to the press leaves the message as it was (Dooray would otherwise replace it with this answer).
  return {
    statusCode: 200,
    body: (press.originalMessage as DoorayMessage | undefined) ?? {
      responseType: "ephemeral",
      replaceOriginal: false,
      text: messages.followUpDialog.placeholder,
    },
  };
}
