import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import type { BotKey } from "./BotKey.js";
import { modelKeyOf, secretNameOf } from "./secretNames.js";

export interface BotSecretsProps {
  readonly environment: string;
  /** Every value is encrypted with the environment's key. */
  readonly key: BotKey;
  /** The environment's channels use Dooray tools: a third secret, the bot account's API token. */
  readonly doorayApiToken: boolean;
  /** Listed model endpoints that take a key (auth apiKey): one secret each, `model-key-<name>`. */
  readonly modelEndpointsWithKeys: readonly string[];
}

/**
 * The OpenAI API key, the Dooray app token and (with Dooray tools) the bot account's Dooray API token, each in its
 * own secret. Terraform manages the containers only:
 * values are written with `npm run secret -- put`, so no value ever enters Terraform (state, plan, variables, the
 * provider's debug log), an ordinary deploy needs no secret input and plans no change to either, and rotating one
 * needs only its own new value (docs/operations.md, "Secrets").
 */
export class BotSecrets extends Construct {
  readonly openaiApiKey: SecretsmanagerSecret;
  readonly doorayAppToken: SecretsmanagerSecret;
  readonly doorayApiToken: SecretsmanagerSecret | undefined;
  readonly modelKeys: readonly SecretsmanagerSecret[];
  /** Known at plan time, so policies and environments can name them. */
  readonly names: {
    readonly openaiApiKey: string;
    readonly doorayAppToken: string;
    readonly doorayApiToken: string | undefined;
    readonly modelKeys: Readonly<Record<string, string>>;
  };

  constructor(scope: Construct, id: string, props: BotSecretsProps) {
    super(scope, id);
    this.names = {
      openaiApiKey: secretNameOf(props.environment, "openai-api-key"),
      doorayAppToken: secretNameOf(props.environment, "dooray-app-token"),
      doorayApiToken: props.doorayApiToken ? secretNameOf(props.environment, "dooray-api-token") : undefined,
      modelKeys: Object.fromEntries(props.modelEndpointsWithKeys.map((name) => [name, secretNameOf(props.environment, modelKeyOf(name))])),
    };
    this.openaiApiKey = new SecretsmanagerSecret(this, "openai_api_key", {
      name: this.names.openaiApiKey,
      description: "OpenAI (or compatible) API key for dooray-gpt; set with: npm run secret -- put <env> openai-api-key",
      recoveryWindowInDays: 7,
      kmsKeyId: props.key.aliasName,
      dependsOn: [props.key.alias],
    });
    this.doorayAppToken = new SecretsmanagerSecret(this, "dooray_app_token", {
      name: this.names.doorayAppToken,
      description: "Dooray app token that slash-command requests must carry; set with: npm run secret -- put <env> dooray-app-token",
      recoveryWindowInDays: 7,
      kmsKeyId: props.key.aliasName,
      dependsOn: [props.key.alias],
    });
    this.doorayApiToken = this.names.doorayApiToken
      ? new SecretsmanagerSecret(this, "dooray_api_token", {
          name: this.names.doorayApiToken,
          description:
            "Personal API token of the bot's dedicated Dooray account (the channels' tools read with it); set with: npm run secret -- put <env> dooray-api-token",
          recoveryWindowInDays: 7,
          kmsKeyId: props.key.aliasName,
          dependsOn: [props.key.alias],
        })
      : undefined;
    this.modelKeys = Object.entries(this.names.modelKeys).map(
      ([endpoint, name]) =>
        new SecretsmanagerSecret(this, `model_key_${endpoint.replaceAll("-", "_")}`, {
          name,
          description: `API key of the model endpoint "${endpoint}"; set with: npm run secret -- put <env> ${modelKeyOf(endpoint)}`,
          recoveryWindowInDays: 7,
          kmsKeyId: props.key.aliasName,
          dependsOn: [props.key.alias],
        }),
    );
  }
}
