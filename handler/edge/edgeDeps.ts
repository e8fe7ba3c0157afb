import type { BotConfig } from "../config.js";
import type { SignedJob } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import type { TableRef } from "../store/tableRef.js";
import type { HttpResult } from "../types.js";

/** What every request handler of the edge is given (by the Lambda entry, the local server or a test). */
export interface EdgeDeps {
  readonly config: BotConfig;
  /** The token requests must carry; undefined when none is configured (every request is then refused). */
  readonly appToken: () => Promise<string | undefined>;
  /** Hands a signed job to the worker without waiting for its answer. */
  readonly dispatch: (job: SignedJob) => Promise<void>;
  readonly log: Logger;
  readonly now: () => number;
  /** Usage, conversations and dialogs' jobs; without one, `/gpt usage` and the buttons say they cannot read them. */
  readonly table?: TableRef | undefined;
  /** Tokens a button's reference may be signed with (current, previous); by default the current one only. */
  readonly refTokens?: () => Promise<string[]>;
}

/** A request that passed the front door: its JSON fields, the verified app token, and Lambda's request id. */
export interface VerifiedRequest {
  readonly fields: Readonly<Record<string, unknown>>;
  /** The app token as configured: it signs the job and the buttons. */
  readonly appToken: string;
  /** Whether the body itself carried the (verified) token; a dialog submission may come without one. */
  readonly carriedAppToken: boolean;
  readonly requestId: string | undefined;
}

/** A request for one handler: command, button press or dialog submission. */
export type RequestHandler = (request: VerifiedRequest, deps: EdgeDeps) => Promise<HttpResult>;

/** An answer only the asker sees. */
export function ephemeral(text: string): HttpResult {
  return { statusCode: 200, body: { responseType: "ephemeral", text } };
}

/** A refusal, logged with its reason (never with the request's text). */
export function refused(deps: Pick<EdgeDeps, "log">, statusCode: number, text: string, reason: string, fields: Record<string, unknown> = {}): HttpResult {
  deps.log("warn", "request.refused", { status: statusCode, reason, ...fields });
  return { statusCode, body: { text } };
}
