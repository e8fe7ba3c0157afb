import { createHmac, timingSafeEqual } from "node:crypto";
import { signingKey } from "./signingKey.js";

/** What a button (or the follow-up dialog) asks for. */
export type ConversationAction = "share" | "regenerate" | "followUp" | "task";

export interface ConversationRef {
  readonly action: ConversationAction;
  readonly conversationId: string;
  /** Which turn of the conversation the button sits under (absolute: it survives older turns being dropped). */
  readonly turn: number;
}

/** Whose conversation it is: a reference verifies only for this tenant, channel and person. */
export interface ConversationOwner {
  readonly tenantId: string;
  readonly channelId: string;
  readonly userId: string;
}

/** A reference is honoured for as long as the conversation is kept. */
export const CONVERSATION_REF_MAX_AGE_SECONDS = 24 * 3600;

const ACTIONS: readonly ConversationAction[] = ["share", "regenerate", "followUp", "task"];
const PURPOSE = "dooray-gpt conversation reference v1";

/**
 * A button's value: `v1.<action>.<conversation>.<turn>.<issued seconds>.<signature>`, about 90 characters, never
 * the answer itself. The signature (keyed from the app token) binds it to one tenant, channel and person, so a
 * press by anyone else, or a value made up, does not verify.
 */
export function conversationRef(ref: ConversationRef, owner: ConversationOwner, appToken: string, nowMs: number): string {
  const body = `v1.${ref.action}.${ref.conversationId}.${ref.turn}.${Math.floor(nowMs / 1000)}`;
  return `${body}.${signatureOf(body, owner, appToken)}`;
}

export type RefCheck =
  | { readonly ok: true; readonly ref: ConversationRef /** When the button was made (epoch ms). */; readonly issuedAtMs: number }
  | { readonly ok: false; readonly reason: "malformed" | "not this person's" | "expired" };

/** Verifies a presented value against the presser's own ids and any live app token (current, then previous). */
export function readConversationRef(value: unknown, owner: ConversationOwner, appTokens: readonly string[], nowMs: number): RefCheck {
  const match = typeof value === "string" ? /^(v1\.(share|regenerate|followUp|task)\.([\w-]{8,64})\.(\d{1,6})\.(\d{1,12}))\.([\w-]{43})$/.exec(value) : null;
  if (!match) return { ok: false, reason: "malformed" };
  const [, body, action, conversationId, turn, issued, signature] = match;
  if (!verifies(body!, signature!, owner, appTokens, PURPOSE)) return { ok: false, reason: "not this person's" };
  if (nowMs / 1000 - Number(issued) > CONVERSATION_REF_MAX_AGE_SECONDS) return { ok: false, reason: "expired" };
  return { ok: true, ref: { action: action as ConversationAction, conversationId: conversationId!, turn: Number(turn) }, issuedAtMs: Number(issued) * 1000 };
}

/** What a dialog's callbackId names: which dialog (a follow-up, or making a task), the turn, and the dialog itself. */
export interface DialogRef {
  readonly kind: DialogKind;
  readonly conversationId: string;
  readonly turn: number;
  /** This dialog's own id: its follow-up job gets it as its id, so a submission is answered once. */
  readonly dialogId: string;
}

/** A dialog is open while the person types; its callbackId is honoured this long. */
export const DIALOG_REF_MAX_AGE_SECONDS = 3600;
export type DialogKind = "followUp" | "task" | "share";
/** Each kind of dialog has its prefix and a key of its own: a follow-up's callbackId never verifies as a task's. */
const DIALOGS: Record<DialogKind, { prefix: string; purpose: string }> = {
  followUp: { prefix: "d1", purpose: "dooray-gpt follow-up dialog v1" },
  task: { prefix: "t1", purpose: "dooray-gpt task dialog v1" },
  share: { prefix: "s1", purpose: "dooray-gpt share dialog v1" },
};

/**
 * A follow-up dialog's callbackId: `d1.<conversation>.<turn>.<issued seconds>.<dialog id>.<signature>`, keyed for a
 * purpose of its own, so no button's value (which the person's client holds) verifies as a dialog, nor the reverse.
 * Dooray's submission may come without the app token; this signature, bound to the asker, is then its credential,
 * and the dialog id makes it good for one question.
 */
export function dialogRef(ref: DialogRef, owner: ConversationOwner, appToken: string, nowMs: number): string {
  const { prefix, purpose } = DIALOGS[ref.kind];
  const body = `${prefix}.${ref.conversationId}.${ref.turn}.${Math.floor(nowMs / 1000)}.${ref.dialogId}`;
  return `${body}.${signatureOf(body, owner, appToken, purpose)}`;
}

export type DialogRefCheck =
  | { readonly ok: true; readonly ref: DialogRef }
  | { readonly ok: false; readonly reason: "malformed" | "not this person's" }
  /** Genuine, but older than DIALOG_REF_MAX_AGE_SECONDS: its kind says which field to say so on. */
  | { readonly ok: false; readonly reason: "expired"; readonly kind: DialogKind };

export function readDialogRef(value: unknown, owner: ConversationOwner, appTokens: readonly string[], nowMs: number): DialogRefCheck {
  const match = typeof value === "string" ? /^((d1|t1|s1)\.([\w-]{8,64})\.(\d{1,6})\.(\d{1,12})\.([\w-]{16,32}))\.([\w-]{43})$/.exec(value) : null;
  if (!match) return { ok: false, reason: "malformed" };
  const [, body, prefix, conversationId, turn, issued, dialogId, signature] = match;
  const kind: DialogKind = prefix === "t1" ? "task" : prefix === "s1" ? "share" : "followUp";
  if (!verifies(body!, signature!, owner, appTokens, DIALOGS[kind].purpose)) return { ok: false, reason: "not this person's" };
  if (nowMs / 1000 - Number(issued) > DIALOG_REF_MAX_AGE_SECONDS) return { ok: false, reason: "expired", kind };
  return { ok: true, ref: { kind, conversationId: conversationId!, turn: Number(turn), dialogId: dialogId! } };
}

export function isConversationAction(value: unknown): value is ConversationAction {
  return ACTIONS.includes(value as ConversationAction);
}

/** Whether `signature` is this body's, for this owner, under any live app token (compared in constant time). */
function verifies(body: string, signature: string, owner: ConversationOwner, appTokens: readonly string[], purpose: string): boolean {
  const presented = Buffer.from(signature, "utf8");
  return appTokens.some((token) => {
    const expected = Buffer.from(signatureOf(body, owner, token, purpose), "utf8");
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  });
}

function signatureOf(body: string, owner: ConversationOwner, appToken: string, purpose = PURPOSE): string {
  const canonical = JSON.stringify([body, owner.tenantId, owner.channelId, owner.userId]);
  return createHmac("sha256", signingKey(appToken, purpose)).update(canonical, "utf8").digest("base64url");
}
