import { readConfig, type BotConfig } from "./config.js";
import { secretsFor, type Secrets } from "./secrets.js";

/** What both Lambda entries need once per container: the validated configuration and the secret readers. */
export interface Runtime {
  readonly config: BotConfig;
  readonly secrets: Secrets;
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
    runtime = { config, secrets };
  }
  return runtime;
}

/** For tests: read the environment again on the next event. */
export function resetRuntime(): void {
  runtime = undefined;
}
