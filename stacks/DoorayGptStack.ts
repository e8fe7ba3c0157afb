import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { BotFunction } from "./BotFunction.js";
import { BotFunctionUrl } from "./BotFunctionUrl.js";
import { BotLogGroup } from "./BotLogGroup.js";
import { BotRole } from "./BotRole.js";
import { BotSecrets, type SecretInput } from "./BotSecrets.js";
import type { EnvironmentConfig } from "./config.js";
import { OpenAILayer } from "./OpenAILayer.js";

/** Everything one environment needs: secrets, role, layer, log group, function, URL; outputs for the operator. */
export class DoorayGptStack extends TerraformStack {
  readonly role: BotRole;

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    const prefix = `dooray-gpt-${env.name}`;
    const functionName = `${prefix}-bot`;

    new AwsProvider(this, "aws", {
      region: env.region,
      defaultTags: [{ tags: { Project: "dooray-gpt", Environment: env.name, ManagedBy: "cdktf", ...env.tags } }],
    });
    declareBackend(this, env);

    const secrets = new BotSecrets(this, "secrets", {
      namePrefix: `dooray-gpt/${env.name}`,
      openaiApiKey: secretVariables(this, "openai_api_key", "OpenAI API key"),
      doorayAppToken: secretVariables(this, "dooray_app_token", "Dooray app token"),
    });
    const logs = new BotLogGroup(this, "logs", { functionName, retentionDays: env.logRetentionDays });
    const role = (this.role = new BotRole(this, "role", { roleName: `${prefix}-function` }));
    const layer = new OpenAILayer(this, "openai", { layerName: `${prefix}-openai` });
    const bot = new BotFunction(this, "bot", {
      functionName,
      role: role.role,
      layer: layer.layer,
      logGroup: logs.logGroup,
      openaiApiKeySecret: secrets.openaiApiKey,
      doorayAppTokenSecret: secrets.doorayAppToken,
      memoryMb: env.memoryMb,
      timeoutSeconds: env.timeoutSeconds,
      reservedConcurrency: env.reservedConcurrency,
      settings: functionSettings(env),
    });
    role.grant({ logGroup: logs.logGroup, secrets: [secrets.openaiApiKey, secrets.doorayAppToken], fn: bot.fn });
    const url = new BotFunctionUrl(this, "url", { fn: bot.fn });

    output(this, "function_url", url.url.functionUrl, "Request URL to register for the /gpt command in Dooray");
    output(this, "function_name", bot.fn.functionName, "Lambda function");
    output(this, "log_group_name", logs.logGroup.name, "CloudWatch log group of the function");
    output(this, "openai_api_key_secret_arn", secrets.openaiApiKey.arn, "Secret holding the OpenAI API key");
    output(this, "dooray_app_token_secret_arn", secrets.doorayAppToken.arn, "Secret holding the Dooray app token");
  }
}

/** Settings the handler reads from its environment (handler/config.ts); never a secret value. */
export function functionSettings(env: EnvironmentConfig): Record<string, string> {
  return {
    BOT_MODEL: env.model,
    ...(env.openaiBaseUrl ? { OPENAI_BASE_URL: env.openaiBaseUrl } : {}),
    BOT_MAX_OUTPUT_TOKENS: String(env.maxOutputTokens),
    RESPONSE_URL_HOSTS: env.responseUrlHosts.join(","),
    ...(env.tenantIds.length > 0 ? { DOORAY_TENANT_IDS: env.tenantIds.join(",") } : {}),
    // Leave the worker time to tell the person that the model was too slow.
    MODEL_TIMEOUT_MS: String(Math.min(900_000, (env.timeoutSeconds - 20) * 1000)),
  };
}

/** The write-only value (ephemeral: never in state or plan) and the plain number that decides whether it is written. */
function secretVariables(stack: TerraformStack, name: string, what: string): SecretInput {
  const value = new TerraformVariable(stack, name, { type: "string", sensitive: true, nullable: true, description: `${what}; written only when ${name}_version is raised` });
  value.overrideLogicalId(name);
  value.addOverride("ephemeral", true);
  // new TerraformVariable({default: null}) crashes synth; an override writes it (DESIGN §5).
  value.addOverride("default", null);
  const version = new TerraformVariable(stack, `${name}_version`, {
    type: "number",
    default: 0,
    description: `Version of ${what}: 0 = set out of band (aws secretsmanager put-secret-value); raise it to write ${name}`,
    validation: [
      {
        condition: `\${var.${name}_version >= 0 && floor(var.${name}_version) == var.${name}_version}`,
        errorMessage: `${name}_version must be a whole number, 0 or more.`,
      },
    ],
  });
  version.overrideLogicalId(`${name}_version`);
  return { value, version };
}

function declareBackend(stack: TerraformStack, env: EnvironmentConfig): void {
  if (!env.backend) {
    // Explicit, relative: the default local backend writes an absolute path into cdk.tf.json (DESIGN §6).
    new LocalBackend(stack, { path: `terraform.dooray-gpt-${env.name}.tfstate` });
    return;
  }
  const { bucket, key, region, lock, dynamodbTable } = env.backend;
  const backend = new S3Backend(stack, { bucket, key, region, encrypt: true, ...(lock === "dynamodb" ? { dynamodbTable } : {}) });
  if (lock === "s3") backend.addOverride("use_lockfile", true);
}

function output(stack: TerraformStack, name: string, value: string, description: string): void {
  new TerraformOutput(stack, name, { value, description }).overrideLogicalId(name);
}
