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
  readonly maxQuestionChars: number;
}

/** The follow-up dialog, as Dooray's dialog API takes it: one textarea. */
export function followUpDialogBody(request: DialogRequest): Record<string, unknown> {
  const texts = messages.followUpDialog;
  return {
    token: request.cmdToken,
    triggerId: request.triggerId,
    callbackId: request.callbackId,
    dialog: {
      callbackId: request.callbackId,
      title: texts.title,
      submitLabel: texts.submitLabel,
      elements: [{ type: "textarea", label: texts.label, name: "question", placeholder: texts.placeholder, minLength: 1, maxLength: request.maxQuestionChars }],
    },
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
    const response = await httpRequest(url, JSON.stringify(followUpDialogBody(request)), {
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
