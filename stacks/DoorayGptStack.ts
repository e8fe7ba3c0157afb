import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { foundationModelArn, functionArn, secretArnPattern, type Place } from "./arns.js";
import { bedrockRegionOf } from "../handler/model/endpoints.js";
import { BotSecrets } from "./BotSecrets.js";
import type { EnvironmentConfig } from "./config.js";
import { EDGE_FAILURE_RECORD_MAX_AGE_SECONDS, EdgeFunction } from "./EdgeFunction.js";
import { OpenAILayer } from "./OpenAILayer.js";
import { WorkerFunction } from "./WorkerFunction.js";
import { BotAlarms } from "./BotAlarms.js";
import { BotDashboard } from "./BotDashboard.js";
import { BotTable } from "./BotTable.js";
import { BotKey } from "./BotKey.js";
import { CodeSigning } from "./CodeSigning.js";
import { EdgeDeadLetters } from "./EdgeDeadLetters.js";
import { OUTCOMES } from "../handler/metrics.js";
import { functionEnvironment } from "../handler/functionEnvironment.js";
import { EXCHANGE_RATE_OUTPUT } from "./ops/spendCeilings.js";

/**
 * Everything one environment needs: the two secrets, the `openai` layer, the table, the public edge and the private
 * worker (each with its own role, log group and reserved concurrency), alarms, a dashboard, and outputs for the
 * operator.
 */
export class DoorayGptStack extends TerraformStack {
  readonly edge: EdgeFunction;
  readonly worker: WorkerFunction;
  readonly table: BotTable;
  readonly key: BotKey;

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    const prefix = `dooray-gpt-${env.name}`;
    const place: Place = { accountId: env.accountId, region: env.region };
    const names = { edge: `${prefix}-edge`, worker: `${prefix}-worker` };

    new AwsProvider(this, "aws", {
      region: env.region,
      // Credentials for any other account stop the deploy before anything changes.
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: { Project: "dooray-gpt", Environment: env.name, ManagedBy: "cdktf", ...env.tags } }],
    });
    declareBackend(this, env);

    this.key = new BotKey(this, "key", {
      place,
      aliasName: prefix,
      logGroupNames: [`/aws/lambda/${names.edge}`, `/aws/lambda/${names.worker}`],
      alarmTopic: env.alarms.emails.length > 0,
    });
    const secrets = new BotSecrets(this, "secrets", {
      environment: env.name,
      key: this.key,
      doorayApiToken: env.doorayApi !== undefined,
      modelEndpointsWithKeys: env.modelEndpoints.filter((endpoint) => endpoint.auth === "apiKey").map((endpoint) => endpoint.name),
    });
    const codeSigning = env.codeSigning ? new CodeSigning(this, "code_signing", { place, prefix, key: this.key }) : undefined;
    const layer = new OpenAILayer(this, "openai", { layerName: `${prefix}-openai`, codeSigning });
    this.table = new BotTable(this, "table", { place, tableName: prefix, settings: env.table, key: this.key });
    const deadLetters = new EdgeDeadLetters(this, "edge_dead_letters", { place, queueName: `${names.edge}-dead-letters`, key: this.key });

    this.edge = new EdgeFunction(this, "edge", {
      place,
      functionName: names.edge,
      sizing: env.edge,
      logRetentionDays: env.logRetentionDays,
      appTokenSecretArn: secretArnPattern(place, secrets.names.doorayAppToken),
      workerArn: functionArn(place, names.worker),
      table: this.table,
      environment: { ...edgeSettings(env, secrets.names.doorayAppToken, names.worker), ...budgetSettings(env, prefix) },
      key: this.key,
      tracing: env.tracing,
      codeSigning,
      deadLetters,
    });
    this.worker = new WorkerFunction(this, "worker", {
      place,
      functionName: names.worker,
      sizing: env.worker,
      logRetentionDays: env.logRetentionDays,
      secretArns: [secretArnPattern(place, secrets.names.doorayAppToken), secretArnPattern(place, secrets.names.openaiApiKey)],
      doorayApiTokenArn: secrets.names.doorayApiToken ? secretArnPattern(place, secrets.names.doorayApiToken) : undefined,
      modelKeyArns: Object.values(secrets.names.modelKeys).map((name) => secretArnPattern(place, name)),
      bedrockModelArns: env.modelEndpoints
        .filter((endpoint) => endpoint.auth === "aws")
        .map((endpoint) => foundationModelArn(bedrockRegionOf(endpoint.baseUrl) ?? env.region, endpoint.model)),
      edge: this.edge.function,
      layerArn: layer.layer.arn,
      table: this.table,
      environment: { ...workerSettings(env, secrets.names), ...budgetSettings(env, prefix) },
      key: this.key,
      tracing: env.tracing,
      codeSigning,
    });

    const metricsNames = { prefix, environment: env.name, edgeName: names.edge, workerName: names.worker };
    new BotAlarms(this, "alarms", {
      place,
      ...metricsNames,
      deadLetterQueueName: deadLetters.name,
      settings: env.alarms,
      key: this.key,
      modelEndpoints: env.modelEndpoints.length,
    });
    new BotDashboard(this, "dashboard", {
      dashboardName: prefix,
      region: env.region,
      environment: env.name,
      edgeName: names.edge,
      workerName: names.worker,
      outcomes: OUTCOMES,
    });

    output(this, "function_url", this.edge.url.functionUrl, "Request URL to register for the /gpt command in Dooray");
    output(this, "edge_function_name", names.edge, "Public Lambda function: Dooray's requests and failure records");
    output(this, "worker_function_name", names.worker, "Private Lambda function: the answers");
    output(this, "edge_log_group_name", this.edge.function.logGroup.name, "CloudWatch log group of the edge");
    output(this, "worker_log_group_name", this.worker.function.logGroup.name, "CloudWatch log group of the worker");
    output(this, "table_name", this.table.table.name, "DynamoDB table: daily usage and job claims");
    output(this, "kms_key_alias", this.key.aliasName, "KMS key of secrets, table, logs, dead letters and the alarm topic");
    output(this, "edge_dead_letter_queue_name", deadLetters.name, "SQS queue of failure records the edge could not process");
    output(this, "dashboard_name", prefix, "CloudWatch dashboard of questions, tokens, cost and health");
    output(this, "openai_api_key_secret_name", secrets.names.openaiApiKey, "Secret holding the OpenAI API key");
    output(this, "dooray_app_token_secret_name", secrets.names.doorayAppToken, "Secret holding the Dooray app token");
    for (const [endpoint, name] of Object.entries(secrets.names.modelKeys))
      output(this, `model_key_${endpoint.replaceAll("-", "_")}_secret_name`, name, `Secret holding the key of model endpoint ${endpoint}`);
    // The reviewer's summary prints the spend ceilings in won at this rate (stacks/ops/spendCeilings.ts).
    if (env.costs)
      output(this, EXCHANGE_RATE_OUTPUT, JSON.stringify(env.costs), "Exchange rate of the reviewer's cost figures: won per US dollar, and its date");
    if (secrets.names.doorayApiToken)
      output(this, "dooray_api_token_secret_name", secrets.names.doorayApiToken, "Secret holding the bot account's Dooray API token");
  }
}

/** What both functions need to keep and show the budgets (the channels' own too), and to label their metrics. */
export function budgetSettings(env: EnvironmentConfig, tableName: string): Record<string, string> {
  return functionEnvironment({
    tableName,
    environmentName: env.name,
    userDailyTokens: env.budgets.userDailyTokens,
    channelDailyTokens: env.budgets.channelDailyTokens,
    totalDailyTokens: env.budgets.totalDailyTokens > 0 ? env.budgets.totalDailyTokens : undefined,
    budgetTimeZone: env.budgets.timeZone,
    // Worked out here, so a cold start needs no time-zone formatter (12-16 ms); a zone with daylight saving has none.
    budgetUtcOffsetMinutes: env.budgets.utcOffsetMinutes,
    // The edge estimates a question's reservation as the worker does, to refuse at once.
    maxOutputTokens: env.maxOutputTokens,
    // One JSON object: the plan shows a changed profile as a diff of that profile.
    channelProfiles: Object.keys(env.channels).length > 0 ? env.channels : undefined,
  });
}

/** The edge's settings: what it checks, where it sends jobs. */
export function edgeSettings(env: EnvironmentConfig, appTokenSecretName: string, workerName: string): Record<string, string> {
  return functionEnvironment({
    appTokenSecretId: appTokenSecretName,
    workerFunctionName: workerName,
    responseUrlHosts: env.responseUrlHosts,
    tenantIds: env.tenantIds.length > 0 ? env.tenantIds : undefined,
    // A failure record can arrive after the queue wait, the worker's whole run and Lambda's retries to the edge.
    failedJobMaxAgeSeconds: env.worker.maxEventAgeSeconds + env.worker.timeoutSeconds + EDGE_FAILURE_RECORD_MAX_AGE_SECONDS + 60,
  });
}

/** The worker's settings: the model, its limits, and the same checks the edge made. */
export function workerSettings(
  env: EnvironmentConfig,
  secretNames: { openaiApiKey: string; doorayAppToken: string; doorayApiToken: string | undefined; modelKeys?: Readonly<Record<string, string>> },
): Record<string, string> {
  const doorayTools = env.doorayApi && secretNames.doorayApiToken ? { url: env.doorayApi.url, token: secretNames.doorayApiToken } : undefined;
  return functionEnvironment({
    appTokenSecretId: secretNames.doorayAppToken,
    openaiApiKeySecretId: secretNames.openaiApiKey,
    // The channels' Dooray tools: the REST host and the bot account's token (the worker alone reads it).
    doorayRestUrl: doorayTools?.url,
    doorayApiTokenSecretId: doorayTools?.token,
    model: env.model,
    openaiBaseUrl: env.openaiBaseUrl,
    // The endpoints in order, each with its residency and its key's secret (never a key): a reviewer reads in the
    // plan where questions go.
    modelEndpoints:
      env.modelEndpoints.length > 0
        ? env.modelEndpoints.map((endpoint) => ({
            ...endpoint,
            ...(secretNames.modelKeys?.[endpoint.name] ? { apiKeySecretId: secretNames.modelKeys[endpoint.name] } : {}),
          }))
        : undefined,
    modelResidency: env.residency,
    modelStreamUsage: env.openaiStreamUsage ? undefined : false,
    modelMaxTokensField: env.openaiMaxTokensField === "max_tokens" ? "max_tokens" : undefined,
    responseUrlHosts: env.responseUrlHosts,
    linkHosts: env.linkHosts.length > 0 ? env.linkHosts : undefined,
    personalData: env.personalData !== "mask" ? env.personalData : undefined,
    tenantIds: env.tenantIds.length > 0 ? env.tenantIds : undefined,
    priceInput: env.modelPrice.inputPerMillionTokens,
    priceOutput: env.modelPrice.outputPerMillionTokens,
    priceCachedInput: env.modelPrice.cachedInputPerMillionTokens,
    // Leave the worker time to tell the person that the model was too slow.
    modelTimeoutMs: Math.min(900_000, (env.worker.timeoutSeconds - 20) * 1000),
    // Lambda drops older events to the on-failure path; a minute more covers clock differences.
    jobMaxAgeSeconds: env.worker.maxEventAgeSeconds + 60,
  });
}

function declareBackend(stack: TerraformStack, env: EnvironmentConfig): void {
  if (!env.backend) {
    // Explicit, relative: the default local backend writes an absolute path into cdk.tf.json.
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
