import { httpRequest } from "../net/httpRequest.js";
import { messages } from "./messages.js";

export interface DialogRequest {
  /** https://<tenant domain>, or DOORAY_API_BASE_URL locally. */
  readonly apiBase: string;
  readonly channelId: string;
  readonly cmdToken: string;
  readonly triggerId: string;
  /** Comes back with the submission: our signed reference to the conversation. */
  readonly callbackId: string;
  /** What the dialog shows: followUpDialog or taskDialog. */
  readonly dialog: Dialog;
}

export interface Dialog {
  readonly title: string;
  readonly submitLabel: string;
  readonly elements: readonly Record<string, unknown>[];
}

/** The follow-up dialog: one textarea. */
export function followUpDialog(maxQuestionChars: number): Dialog {
  const texts = messages.followUpDialog;
  return {
    title: texts.title,
    submitLabel: texts.submitLabel,
    elements: [{ type: "textarea", label: texts.label, name: "question", placeholder: texts.placeholder, minLength: 1, maxLength: maxQuestionChars }],
  };
}

/** The longest task title and body the dialog takes (the body is the answer, cut to fit). */
export const TASK_TITLE_MAX_CHARS = 100;
export const TASK_BODY_MAX_CHARS = 3_000;

/** 할 일로 만들기: the title from the question and the body from the answer, both editable. */
export function taskDialog(question: string, answer: string): Dialog {
  const texts = messages.taskDialog;
  const title = question.replace(/\s+/g, " ").trim().slice(0, TASK_TITLE_MAX_CHARS);
  const body =
    answer.length <= TASK_BODY_MAX_CHARS ? answer : `${answer.slice(0, TASK_BODY_MAX_CHARS - messages.taskBodyCut.length - 1)}\n${messages.taskBodyCut}`;
  return {
    title: texts.title,
    submitLabel: texts.submitLabel,
    elements: [
      { type: "text", label: texts.titleLabel, name: "title", value: title, minLength: 1, maxLength: TASK_TITLE_MAX_CHARS },
      { type: "textarea", label: texts.bodyLabel, name: "body", value: body, optional: true, maxLength: TASK_BODY_MAX_CHARS },
    ],
  };
}

/**
 * 채널에 공유 for an answer built from Dooray content: the places it drew on, named, and one choice to confirm. The
 * channel's members may not be members of those projects.
 */
export function shareDialog(places: readonly string[]): Dialog {
  const texts = messages.shareDialog;
  return {
    title: texts.title,
    submitLabel: texts.submitLabel,
    elements: [{ type: "select", label: texts.label(places), name: "confirm", options: [{ label: texts.confirm, value: "share" }], value: "share" }],
  };
}

/** The request body of Dooray's dialog API. */
export function dialogBody(request: DialogRequest): Record<string, unknown> {
  return {
    token: request.cmdToken,
    triggerId: request.triggerId,
    callbackId: request.callbackId,
    dialog: { callbackId: request.callbackId, ...request.dialog },
  };
}

/** How long the edge waits for Dooray to open the dialog (the press is answered after it). */
const DIALOG_TIMEOUT_MS = 3_000;

/**
 * Opens the dialog: POST <apiBase>/messenger/api/channels/<channel>/dialogs with the command token as the `token`
 * header. Dooray answers `{header: {isSuccessful, resultCode, resultMessage}}`; anything else is a failure.
 */
export async function openDialog(request: DialogRequest): Promise<{ ok: true } | { ok: false; reason: string }> {
  const url = new URL(`/messenger/api/channels/${encodeURIComponent(request.channelId)}/dialogs`, request.apiBase);
  try {
    const response = await httpRequest(url, JSON.stringify(dialogBody(request)), {
      headers: { "content-type": "application/json", token: request.cmdToken },
      timeoutMs: DIALOG_TIMEOUT_MS,
      maxResponseBytes: 8 * 1024,
    });
    if (response.status !== 200) return { ok: false, reason: `HTTP ${response.status}` };
    const header = (JSON.parse(response.body) as { header?: { isSuccessful?: unknown; resultCode?: unknown } }).header;
    return header?.isSuccessful === true ? { ok: true } : { ok: false, reason: `resultCode ${String(header?.resultCode)}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).name };
  }
}
