/** A slash command as Dooray sends it (docs/architecture.md, "Dooray protocol"), after validation. Unknown fields are dropped. */
export interface DoorayCommand {
  readonly tenantId: string;
  readonly tenantDomain: string | undefined;
  readonly channelId: string;
  readonly userId: string;
  readonly command: string;
  readonly text: string;
  readonly responseUrl: string;
  readonly appToken: string;
  readonly triggerId: string | undefined;
}

/** A message body for the synchronous answer or a POST to responseUrl. */
export interface DoorayMessage {
  readonly text: string;
  readonly responseType?: "ephemeral" | "inChannel";
  /** Dooray's default is true: the post edits the earlier message in place. */
  readonly replaceOriginal?: boolean;
  readonly deleteOriginal?: boolean;
  /** Up to 20 blocks; ours hold the answer's buttons. */
  readonly attachments?: readonly DoorayAttachment[];
}

export interface DoorayAttachment {
  readonly callbackId?: string;
  readonly text?: string;
  readonly actions?: readonly {
    readonly type: "button";
    readonly text: string;
    readonly name: string;
    readonly value: string;
    readonly style?: "primary" | "default";
  }[];
}

/** What the edge returns; the Lambda entry turns it into a Function URL result. */
export interface HttpResult {
  readonly statusCode: number;
  /** A message; for a dialog submission, nothing (200 closes the dialog) or the fields' errors. */
  readonly body: DoorayMessage | Record<string, never> | { readonly errors: readonly { readonly name: string; readonly error: string }[] };
}
