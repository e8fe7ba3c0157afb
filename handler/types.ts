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
}

/** What the edge returns; the Lambda entry turns it into a Function URL result. */
export interface HttpResult {
  readonly statusCode: number;
  readonly body: DoorayMessage;
}
