import { readConfig, type BotConfig } from "./config.js";
import { secretsFor, type Secrets } from "./secrets.js";
import { dynamoCall } from "./aws/dynamodb.js";
import type { TableRef } from "./store/tableRef.js";

/** What both Lambda entries need once per container: the configuration, the secret readers, the bot's table. */
export interface Runtime {
  readonly config: BotConfig;
  readonly secrets: Secrets;
  /** Undefined when BOT_TABLE is not set (the stack always sets it). */
  readonly table: TableRef | undefined;
}

let runtime: Runtime | undefined;

/** Reads the environment on first use (throws ConfigError naming the variable); Secrets Manager is loaded lazily. */
export function loadRuntime(): Runtime {
  if (!runtime) {
    const config = readConfig(process.env);
    const secrets = secretsFor(config, async () => {
      const { getSecretValue } = await import("./aws/getSecretValue.js");
      return (id, stage) => getSecretValue(id, process.env, stage);
    });
    const table = config.tableName ? { call: dynamoCall(process.env), table: config.tableName } : undefined;
    runtime = { config, secrets, table };
  }
  return runtime;
}

/** For tests: read the environment again on the next event. */
export function resetRuntime(): void {
  runtime = undefined;
}
