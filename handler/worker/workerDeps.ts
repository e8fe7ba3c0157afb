import type { BotConfig } from "../config.js";
import type { PostOptions, PostResult } from "../dooray/postToDooray.js";
import type { Logger } from "../log.js";
import type { Secrets } from "../secrets.js";
import type { TableRef } from "../store/tableRef.js";
import type { DoorayMessage } from "../types.js";

/** What a job's run is given (by the Lambda entry, the local worker pool or a test). */
export interface WorkerDeps {
  readonly config: BotConfig;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly now: () => number;
  /** Milliseconds left before the platform stops this invocation. */
  readonly remainingMs: () => number;
  readonly post?: (url: string, message: DoorayMessage, options: PostOptions) => Promise<PostResult>;
  /** Budgets, job claims and conversations. */
  readonly table: TableRef;
  /** Where an `aws` model endpoint's credentials come from: Lambda's environment unless given (the local server's). */
  readonly awsEnv?: Readonly<Record<string, string | undefined>>;
  /** Names this delivery in its job claim (a fresh id per run unless given). */
  readonly deliveryId?: string;
}
