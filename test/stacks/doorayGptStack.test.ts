import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnvironments, StackConfigError } from "../../stacks/config.js";
import { DoorayGptStack } from "../../stacks/DoorayGptStack.js";
import { PLANNED_RESOURCES } from "../support/plannedResources.js";

type Json = Record<string, any>;
const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/dooray-gpt-test`;
/** What both functions are told about the budgets (the edge estimates reservations as the worker does). */
const budgetVariables = {
  BOT_TABLE: "dooray-gpt-test",
  BOT_ENVIRONMENT: "test",
  BUDGET_USER_DAILY_TOKENS: "50000",
  BUDGET_CHANNEL_DAILY_TOKENS: "400000",
  BUDGET_TIME_ZONE: "UTC",
  BUDGET_UTC_OFFSET_MINUTES: "0",
  BOT_MAX_OUTPUT_TOKENS: "2000",
};
const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {}) as Json[];
const only = (json: Json, type: string): Json => {
  const found = resources(json, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const named = (json: Json, type: string, key: string, value: string): Json => {
  const found = resources(json, type).filter((resource) => resource[key] === value);
  expect(found, `${type} with ${key} ${value}`).toHaveLength(1);
  return found[0]!;
};
const addressOf = (json: Json, type: string, resource: Json) => `${type}.${Object.entries(json.resource[type]).find(([, value]) => value === resource)![0]}`;
const policyOf = (json: Json, roleName: string) => {
  const role = named(json, "aws_iam_role", "name", roleName);
  const policy = resources(json, "aws_iam_role_policy").find((candidate) => candidate.role === `\${${addressOf(json, "aws_iam_role", role)}.name}`)!;
  return JSON.parse(policy.policy as string) as { Statement: { Sid: string; Effect: string; Action: string[]; Resource: string[] }[] };
};

function synth(settings: Json = {}): { json: Json; stack: DoorayGptStack } {
  const [env] = parseEnvironments({ test: { accountId: ACCOUNT, ...settings } });
  const stack = new DoorayGptStack(Testing.app(), "dooray-gpt-test", env!);
  // With the constructs' own checks (node.addValidation), as synth runs them.
  return { json: JSON.parse(Testing.synth(stack, true)) as Json, stack };
}

describe("the dooray-gpt stack, as synthesized", () => {
  let json: Json;
  let edge: Json;
  let worker: Json;
  beforeAll(() => {
    ({ json } = synth({
      edge: { memoryMb: 192, timeoutSeconds: 20, reservedConcurrency: 9 },
      worker: { memoryMb: 384, timeoutSeconds: 90, reservedConcurrency: 4, maxEventAgeSeconds: 240 },
      logRetentionDays: 60,
      tenantIds: ["111", "222"],
      tags: { Team: "ops" },
      budgets: { userDailyTokens: 50_000, channelDailyTokens: 400_000, timeZone: "UTC" },
      modelPrice: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
      alarms: { emails: ["ops@example.com"], budgetRefusalsPer5Minutes: 7 },
    }));
    edge = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge");
    worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker");
  });

  it("without codeSigning (the default), ships the bundles as zips with their hashes, and creates no profile, config or bucket", () => {
    for (const type of ["aws_signer_signing_profile", "aws_lambda_code_signing_config", "aws_s3_bucket", "aws_s3_object", "aws_signer_signing_job"])
      expect(resources(json, type), type).toEqual([]);
    for (const fn of resources(json, "aws_lambda_function")) {
      expect(fn.code_signing_config_arn).toBeUndefined();
      expect(fn.source_code_hash).toMatch(/^\$\{filebase64sha256\(/);
    }
  });

  it("holds exactly the planned resources, and no data source", () => {
    // This synth names an alarm e-mail, which adds the topic and its subscription.
    const declared = [...new Set([...PLANNED_RESOURCES, "aws_sns_topic", "aws_sns_topic_subscription"])].sort();
    expect(Object.keys(json.resource).sort()).toEqual(declared);
    expect(resources(json, "aws_lambda_function")).toHaveLength(2);
    expect(json.data).toBeUndefined();
  });

  it("sizes each function from its own settings: nodejs22.x, arm64, JSON logs, own reserved concurrency", () => {
    const common = { runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" };
    expect(edge).toMatchObject({
      ...common,
      memory_size: 192,
      timeout: 20,
      reserved_concurrent_executions: 9,
      logging_config: { log_format: "JSON", log_group: "/aws/lambda/dooray-gpt-test-edge" },
    });
    expect(worker).toMatchObject({
      ...common,
      memory_size: 384,
      timeout: 90,
      reserved_concurrent_executions: 4,
      logging_config: { log_format: "JSON", log_group: "/aws/lambda/dooray-gpt-test-worker" },
    });
    for (const fn of [edge, worker]) expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    expect(edge.filename).not.toBe(worker.filename);
  });

  it("gives the layer to the worker only", () => {
    expect(edge.layers).toBeUndefined();
    expect(worker.layers).toEqual([`\${${addressOf(json, "aws_lambda_layer_version", only(json, "aws_lambda_layer_version"))}.arn}`]);
    expect(only(json, "aws_lambda_layer_version")).toMatchObject({
      layer_name: "dooray-gpt-test-openai",
      compatible_runtimes: ["nodejs22.x"],
      compatible_architectures: ["arm64"],
    });
  });

  it("creates each function's log group and role (with its policy) first, the log group with the configured retention", () => {
    for (const fn of [edge, worker]) {
      const group = named(json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${fn.function_name}`);
      expect(group.retention_in_days).toBe(60);
      const role = named(json, "aws_iam_role", "name", fn.function_name);
      expect(fn.role).toBe(`arn:aws:iam::${ACCOUNT}:role/${fn.function_name}`);
      expect(group.kms_key_id).toBe(`\${${addressOf(json, "aws_kms_key", only(json, "aws_kms_key"))}.arn}`);
      expect(fn.depends_on).toEqual([
        addressOf(json, "aws_cloudwatch_log_group", group),
        addressOf(json, "aws_iam_role", role),
        expect.stringMatching(/^aws_iam_role_policy\./),
        addressOf(json, "aws_dynamodb_table", only(json, "aws_dynamodb_table")),
        ...(fn === edge ? [addressOf(json, "aws_sqs_queue", only(json, "aws_sqs_queue"))] : []),
      ]);
    }
  });

  it("gives each function plain settings and secret names, never a value, all known before apply", () => {
    expect(edge.environment.variables).toEqual({
      DOORAY_APP_TOKEN_SECRET_ID: "dooray-gpt/test/dooray-app-token",
      WORKER_FUNCTION_NAME: "dooray-gpt-test-worker",
      RESPONSE_URL_HOSTS: "*.dooray.com",
      DOORAY_TENANT_IDS: "111,222",
      FAILED_JOB_MAX_AGE_SECONDS: String(240 + 90 + 900 + 60),
      ...budgetVariables,
    });
    expect(worker.environment.variables).toEqual({
      DOORAY_APP_TOKEN_SECRET_ID: "dooray-gpt/test/dooray-app-token",
      OPENAI_API_KEY_SECRET_ID: "dooray-gpt/test/openai-api-key",
      BOT_MODEL: "gpt-4.1-mini",
      RESPONSE_URL_HOSTS: "*.dooray.com",
      DOORAY_TENANT_IDS: "111,222",
      MODEL_TIMEOUT_MS: "70000",
      JOB_MAX_AGE_SECONDS: "300",
      MODEL_PRICE_INPUT_PER_MTOK: "0.15",
      MODEL_PRICE_OUTPUT_PER_MTOK: "0.6",
      // Another model's input price without its cached price: cached tokens are priced as input.
      MODEL_PRICE_CACHED_INPUT_PER_MTOK: "0.15",
      ...budgetVariables,
    });
    expect(JSON.stringify([edge.environment, worker.environment])).not.toContain("${");
  });

  it("grants the edge exactly: its logs, the app token, invoking the worker, reading usage and conversation rows; never the OpenAI key", () => {
    expect(policyOf(json, "dooray-gpt-test-edge").Statement).toEqual([
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/dooray-gpt-test-edge:*`],
      },
      {
        Sid: "ReadAppToken",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/dooray-app-token-??????`],
      },
      {
        Sid: "InvokeWorker",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:dooray-gpt-test-worker`],
      },
      {
        Sid: "ReadUsageConversationsAndJobs",
        Effect: "Allow",
        Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem"],
        Resource: [TABLE_ARN],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["usage#*", "conv#*", "job#*"] } },
      },
      {
        Sid: "SendOwnDeadLetters",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: [`arn:aws:sqs:${REGION}:${ACCOUNT}:dooray-gpt-test-edge-dead-letters`],
      },
      {
        Sid: "UseTheKeyForTheSecretTheTableAndDeadLetters",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`],
        Condition: {
          StringEquals: { "kms:ViaService": [`secretsmanager.${REGION}.amazonaws.com`, `dynamodb.${REGION}.amazonaws.com`, `sqs.${REGION}.amazonaws.com`] },
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/dooray-gpt-test"] },
        },
      },
    ]);
  });

  it("grants the worker exactly: its logs, both secrets, sending failure records to the edge, single items of the table", () => {
    expect(policyOf(json, "dooray-gpt-test-worker").Statement).toEqual([
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/dooray-gpt-test-worker:*`],
      },
      {
        Sid: "ReadBothSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [
          `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/dooray-app-token-??????`,
          `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/openai-api-key-??????`,
        ],
      },
      {
        Sid: "SendFailuresToEdge",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:dooray-gpt-test-edge`],
      },
      { Sid: "BudgetsClaimsAndConversations", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Resource: [TABLE_ARN] },
      {
        Sid: "UseTheKeyForTheSecretsAndTheTable",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`],
        Condition: {
          StringEquals: { "kms:ViaService": [`secretsmanager.${REGION}.amazonaws.com`, `dynamodb.${REGION}.amazonaws.com`] },
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/dooray-gpt-test"] },
        },
      },
    ]);
  });

  it("keeps one customer-managed key, rotated, for the secrets, the table, both log groups, the dead letters and the alarm topic", () => {
    const key = only(json, "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(only(json, "aws_kms_alias")).toMatchObject({ name: "alias/dooray-gpt-test", target_key_id: `\${${addressOf(json, "aws_kms_key", key)}.key_id}` });
    const keyArn = `\${${addressOf(json, "aws_kms_key", key)}.arn}`;
    for (const secret of resources(json, "aws_secretsmanager_secret")) expect(secret.kms_key_id).toBe("alias/dooray-gpt-test");
    expect(only(json, "aws_dynamodb_table").server_side_encryption).toEqual({ enabled: true, kms_key_arn: keyArn });
    expect(only(json, "aws_sns_topic").kms_master_key_id).toBe("alias/dooray-gpt-test");
    expect(only(json, "aws_sqs_queue")).toMatchObject({
      name: "dooray-gpt-test-edge-dead-letters",
      kms_master_key_id: "alias/dooray-gpt-test",
      message_retention_seconds: 86_400,
    });
    const statements = JSON.parse(key.policy as string).Statement as { Sid: string; Principal: Json; Action: string[]; Condition?: Json }[];
    expect(statements.map((statement) => [statement.Sid, statement.Principal])).toEqual([
      ["AccountAdministersTheKey", { AWS: `arn:aws:iam::${ACCOUNT}:root` }],
      ["CloudWatchLogsEncryptsTheBotsLogGroups", { Service: `logs.${REGION}.amazonaws.com` }],
      ["CloudWatchAlarmsPublishToTheTopic", { Service: "cloudwatch.amazonaws.com" }],
    ]);
    expect(statements[1]!.Condition).toEqual({
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": ["edge", "worker"].map(
          (name) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/dooray-gpt-test-${name}`,
        ),
      },
    });
  });

  it("gives the edge its own dead-letter queue, and the worker none (its failures go to the edge)", () => {
    expect(edge.dead_letter_config).toEqual({ target_arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:dooray-gpt-test-edge-dead-letters` });
    expect(worker.dead_letter_config).toBeUndefined();
    expect(named(json, "aws_cloudwatch_metric_alarm", "alarm_name", "dooray-gpt-test-edge-dead-letters")).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "dooray-gpt-test-edge-dead-letters" },
      statistic: "Maximum",
      threshold: 0,
    });
  });

  it("traces both functions with X-Ray where configured, with the two trace actions (which take no resource) in each role", () => {
    for (const fn of [edge, worker]) expect(fn.tracing_config).toEqual({ mode: "PassThrough" });
    const { json: traced } = synth({ tracing: true });
    for (const name of ["dooray-gpt-test-edge", "dooray-gpt-test-worker"]) {
      expect(named(traced, "aws_lambda_function", "function_name", name).tracing_config).toEqual({ mode: "Active" });
      expect(policyOf(traced, name).Statement.at(-1)).toEqual({
        Sid: "SendTraces",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: ["*"],
      });
    }
    expect(JSON.stringify(policyOf(json, "dooray-gpt-test-edge"))).not.toContain("xray");
  });

  it("lets only Lambda assume either role, with no managed policy attached", () => {
    for (const role of resources(json, "aws_iam_role")) {
      expect(JSON.parse(role.assume_role_policy)).toEqual({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
    }
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("serves a Function URL on the edge only, and grants the public InvokeFunction on the edge only", () => {
    const edgeName = `\${${addressOf(json, "aws_lambda_function", edge)}.function_name}`;
    expect(only(json, "aws_lambda_function_url")).toMatchObject({ function_name: edgeName, authorization_type: "NONE", invoke_mode: "BUFFERED" });
    expect(only(json, "aws_lambda_permission")).toMatchObject({ function_name: edgeName, action: "lambda:InvokeFunction", principal: "*" });
    expect(JSON.stringify(json.resource.aws_lambda_permission)).not.toContain("worker");
  });

  it("never retries the worker, bounds its queue wait, and sends what failed to the edge", () => {
    const workerConfig = resources(json, "aws_lambda_function_event_invoke_config").find((config) => config.function_name.includes("worker"))!;
    expect(workerConfig).toMatchObject({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 240,
      destination_config: { on_failure: { destination: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:dooray-gpt-test-edge` } },
    });
    expect(workerConfig.depends_on).toEqual([addressOf(json, "aws_lambda_function", edge)]);
    const edgeConfig = resources(json, "aws_lambda_function_event_invoke_config").find((config) => config !== workerConfig)!;
    expect(edgeConfig).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 900 });
    expect(edgeConfig.destination_config).toBeUndefined();
  });

  it("refuses credentials for any other account, and tags everything through the provider", () => {
    expect(json.provider.aws[0]).toMatchObject({
      region: REGION,
      allowed_account_ids: [ACCOUNT],
      default_tags: [{ tags: { Project: "dooray-gpt", Environment: "test", Team: "ops" } }],
    });
  });

  it("manages the two secret containers only: no value, no variable, no version resource", () => {
    expect(
      resources(json, "aws_secretsmanager_secret")
        .map((secret) => [secret.name, secret.recovery_window_in_days])
        .sort(),
    ).toEqual([
      ["dooray-gpt/test/dooray-app-token", 7],
      ["dooray-gpt/test/openai-api-key", 7],
    ]);
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(json.variable).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/secret_string|secret_binary/);
  });

  it("outputs the Request URL, both functions, both log groups, both secret names, the table, the key, the dead letters and the dashboard", () => {
    expect(Object.keys(json.output).sort()).toEqual([
      "dashboard_name",
      "dooray_app_token_secret_name",
      "edge_dead_letter_queue_name",
      "edge_function_name",
      "edge_log_group_name",
      "function_url",
      "kms_key_alias",
      "openai_api_key_secret_name",
      "table_name",
      "worker_function_name",
      "worker_log_group_name",
    ]);
    expect(json.output.function_url.value).toBe(`\${${addressOf(json, "aws_lambda_function_url", only(json, "aws_lambda_function_url"))}.function_url}`);
  });

  it("keeps budgets and job claims in one on-demand table keyed by pk, expiring rows by TTL, unprotected by default", () => {
    expect(only(json, "aws_dynamodb_table")).toMatchObject({
      name: "dooray-gpt-test",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      attribute: [{ name: "pk", type: "S" }],
      ttl: { attribute_name: "expiresAt", enabled: true },
      point_in_time_recovery: { enabled: false },
      deletion_protection_enabled: false,
    });
    expect(only(json, "aws_dynamodb_table").range_key).toBeUndefined();
  });

  it("tells the functions a budget zone's fixed UTC offset, and none for a zone with daylight saving", () => {
    const offsetOf = (timeZone: string) => {
      const { json: synthesized } = synth({ budgets: { timeZone } });
      return resources(synthesized, "aws_lambda_function").map((fn) => fn.environment.variables.BUDGET_UTC_OFFSET_MINUTES);
    };
    expect(offsetOf("Asia/Seoul")).toEqual(["540", "540"]);
    expect(offsetOf("Europe/Berlin")).toEqual([undefined, undefined]);
  });

  it("gives both functions the channel profiles as one JSON object, so a plan shows a changed profile as a JSON diff", () => {
    const channels = {
      "555": { name: "코드 리뷰", systemPrompt: "You review code.", model: "gpt-4.1", budgets: { channelDailyTokens: 900_000 } },
      "666": { name: "잡담" },
    };
    const { json: withProfiles } = synth({ channels });
    for (const fn of resources(withProfiles, "aws_lambda_function")) expect(JSON.parse(fn.environment.variables.CHANNEL_PROFILES)).toEqual(channels);
    expect(edge.environment.variables.CHANNEL_PROFILES).toBeUndefined();
  });

  it("tells the worker not to ask for usage when the endpoint refuses stream_options", () => {
    const { json: refusing } = synth({ openaiBaseUrl: "https://llm.example/v1", openaiStreamUsage: false });
    expect(named(refusing, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables).toMatchObject({
      OPENAI_BASE_URL: "https://llm.example/v1",
      MODEL_STREAM_USAGE: "0",
    });
    expect(worker.environment.variables.MODEL_STREAM_USAGE).toBeUndefined();
  });

  it("tells the worker to send max_tokens when the endpoint takes only that", () => {
    const { json: older } = synth({ openaiBaseUrl: "https://llm.example/v1", openaiMaxTokensField: "max_tokens" });
    expect(named(older, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables).toMatchObject({
      MODEL_MAX_TOKENS_FIELD: "max_tokens",
    });
    expect(worker.environment.variables.MODEL_MAX_TOKENS_FIELD).toBeUndefined();
  });

  it("refuses profiles that would pass Lambda's 4 KB of environment, saying by how much", () => {
    const channels = Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`70${index}`, { name: `채널 ${index}`, systemPrompt: "가".repeat(600) }]));
    expect(() => synth({ channels })).toThrowError(
      /dooray-gpt-test-edge: its environment would be \d+ bytes, \d+ over Lambda's 4096; shorten the channels' system prompts/,
    );
  });

  it("protects the table with point-in-time recovery and deletion protection where configured (prod)", () => {
    const { json: prod } = synth({ table: { pointInTimeRecovery: true, deletionProtection: true } });
    expect(only(prod, "aws_dynamodb_table")).toMatchObject({ point_in_time_recovery: { enabled: true }, deletion_protection_enabled: true });
  });

  it("alarms on worker errors, throttles, dropped events, failure records and their delivery, the edge, and budget refusals", () => {
    const alarms = resources(json, "aws_cloudwatch_metric_alarm");
    const topic = only(json, "aws_sns_topic");
    expect(topic.name).toBe("dooray-gpt-test-alarms");
    expect(only(json, "aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "ops@example.com" });
    expect(alarms.map((alarm) => alarm.alarm_name).sort()).toEqual(
      [
        "budget-refusals",
        "edge-dead-letters",
        "edge-errors",
        "edge-throttles",
        "failure-record-delivery-failures",
        "failure-records",
        "worker-dropped-events",
        "worker-errors",
        "worker-throttles",
      ].map((name) => `dooray-gpt-test-${name}`),
    );
    const byName = (name: string) => alarms.find((alarm) => alarm.alarm_name === `dooray-gpt-test-${name}`)!;
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        comparison_operator: "GreaterThanThreshold",
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
        alarm_actions: [`arn:aws:sns:${REGION}:${ACCOUNT}:dooray-gpt-test-alarms`],
      });
      expect(alarm.depends_on).toEqual([addressOf(json, "aws_sns_topic", topic)]);
    }
    expect(byName("worker-dropped-events")).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "AsyncEventsDropped",
      dimensions: { FunctionName: "dooray-gpt-test-worker" },
      statistic: "Sum",
      period: 300,
      threshold: 0,
    });
    expect(byName("budget-refusals")).toMatchObject({
      namespace: "DoorayGpt",
      metric_name: "Questions",
      dimensions: { Environment: "test", Outcome: "refusedByBudget" },
      threshold: 7,
    });
    expect(byName("failure-records").metric_query.map((query: Json) => query.metric?.dimensions?.Outcome ?? query.expression)).toEqual([
      "busy",
      "workerFailed",
      "FILL(m0, 0) + FILL(m1, 0)",
    ]);
  });

  it("sends alarms nowhere without e-mail addresses, and creates no topic", () => {
    const { json: quiet } = synth();
    expect(quiet.resource.aws_sns_topic).toBeUndefined();
    for (const alarm of resources(quiet, "aws_cloudwatch_metric_alarm")) expect(alarm.alarm_actions).toEqual([]);
  });

  it("draws a dashboard of outcomes, tokens, cost, model timings and both functions' health", () => {
    const dashboard = only(json, "aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe("dooray-gpt-test");
    const body = JSON.parse(dashboard.dashboard_body) as { widgets: { properties: { title: string; region: string; metrics: unknown[][] } }[] };
    expect(body.widgets.map((widget) => widget.properties.title)).toEqual([
      "Questions by outcome",
      "Tokens (input, output)",
      "Estimated cost (USD)",
      "Model timings (ms): first words, whole answer",
      "Worker health",
      "Edge health",
    ]);
    expect(body.widgets.every((widget) => widget.properties.region === REGION)).toBe(true);
    expect(body.widgets[0]!.properties.metrics.map((metric) => metric[5])).toEqual(
      expect.arrayContaining(["answered", "refusedByBudget", "busy", "workerFailed", "timedOut"]),
    );
  });

  it("keeps state in an explicit, relative local path by default", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.dooray-gpt-test.tfstate" } });
  });

  it("uses an S3 backend with S3-native locking when configured", () => {
    const { json: withS3 } = synth({ backend: { bucket: "acme-tfstate", region: REGION } });
    expect(withS3.terraform.backend).toEqual({
      s3: { bucket: "acme-tfstate", key: "dooray-gpt/test/terraform.tfstate", region: REGION, encrypt: true, use_lockfile: true },
    });
  });
});

describe("code signing in the stack", () => {
  const ref = (json: Json, type: string, resource: Json, attribute: string) => `\${${addressOf(json, type, resource)}.${attribute}}`;

  it("with codeSigning, signs the two bundles and the layer in S3 with a Signer profile, and lets the functions run only its code", () => {
    const { json } = synth({ codeSigning: true });
    const profile = only(json, "aws_signer_signing_profile");
    expect(profile).toMatchObject({ name: "dooray_gpt_test", platform_id: "AWSLambda-SHA384-ECDSA" });
    const config = only(json, "aws_lambda_code_signing_config");
    expect(config.allowed_publishers).toEqual({ signing_profile_version_arns: [ref(json, "aws_signer_signing_profile", profile, "version_arn")] });
    expect(config.policies).toEqual({ untrusted_artifact_on_deployment: "Enforce" });
    const bucket = only(json, "aws_s3_bucket");
    expect(bucket.bucket).toBe(`dooray-gpt-test-code-${ACCOUNT}`);
    const bucketId = ref(json, "aws_s3_bucket", bucket, "id");

    const jobs = resources(json, "aws_signer_signing_job");
    const uploads = resources(json, "aws_s3_object");
    expect(uploads.map((upload) => upload.key).sort()).toEqual([
      "unsigned/dooray-gpt-test-edge.zip",
      "unsigned/dooray-gpt-test-openai.zip",
      "unsigned/dooray-gpt-test-worker.zip",
    ]);
    const signedKeyOf = (name: string) => {
      const upload = uploads.find((candidate) => candidate.key === `unsigned/${name}.zip`)!;
      expect(upload.bucket).toBe(bucketId);
      // A changed bundle changes its hash, so its upload, its signing job and the signed key.
      expect(upload.source_hash).toMatch(/^\$\{filemd5\(/);
      const job = jobs.find((candidate) => candidate.source.s3.key === ref(json, "aws_s3_object", upload, "key"))!;
      expect(job).toMatchObject({ profile_name: ref(json, "aws_signer_signing_profile", profile, "name"), ignore_signing_job_failure: false });
      expect(job.source.s3).toMatchObject({ bucket: bucketId, version: ref(json, "aws_s3_object", upload, "version_id") });
      expect(job.destination.s3).toEqual({ bucket: bucketId, prefix: `signed/${name}/` });
      return `\${${addressOf(json, "aws_signer_signing_job", job)}.signed_object[0].s3[0].key}`;
    };
    for (const name of ["dooray-gpt-test-edge", "dooray-gpt-test-worker"]) {
      const fn = named(json, "aws_lambda_function", "function_name", name);
      expect(fn).toMatchObject({
        s3_bucket: bucketId,
        s3_key: signedKeyOf(name),
        code_signing_config_arn: ref(json, "aws_lambda_code_signing_config", config, "arn"),
      });
      expect(fn.filename).toBeUndefined();
      expect(fn.source_code_hash).toBeUndefined();
    }
    const layer = only(json, "aws_lambda_layer_version");
    expect(layer).toMatchObject({ s3_bucket: bucketId, s3_key: signedKeyOf("dooray-gpt-test-openai") });
    expect(layer.filename).toBeUndefined();

    // The bucket: versioned (a job signs one version), on the environment's key, private, TLS only, replaced copies expire.
    expect(only(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(only(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: ref(json, "aws_kms_key", only(json, "aws_kms_key"), "arn") },
        bucket_key_enabled: true,
      },
    ]);
    expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(only(json, "aws_s3_bucket_lifecycle_configuration").rule[0]).toMatchObject({
      status: "Enabled",
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
    });
    const tls = JSON.parse(only(json, "aws_s3_bucket_policy").policy as string) as { Statement: Json[] };
    expect(tls.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });
});

describe("Dooray tools in the stack", () => {
  const channels = {
    "1111111111111111111": {
      name: "플랫폼",
      dooray: { projects: ["3570526358279081523"], wikis: ["3570526358279081999"], taskProject: "3570526358279081523" },
    },
    "2222222222222222222": { name: "잡담" },
  };

  it("gives only the worker the bot account's token, in a secret of its own on the key, with the REST host", () => {
    const { json } = synth({ channels, doorayApi: {} });
    const secret = named(json, "aws_secretsmanager_secret", "name", "dooray-gpt/test/dooray-api-token");
    expect(secret).toMatchObject({ kms_key_id: "alias/dooray-gpt-test", recovery_window_in_days: 7 });
    const tokenArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/dooray-api-token-??????`;
    expect(policyOf(json, "dooray-gpt-test-worker").Statement.find((statement) => statement.Sid === "ReadDoorayApiToken")).toEqual({
      Sid: "ReadDoorayApiToken",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [tokenArn],
    });
    expect(JSON.stringify(policyOf(json, "dooray-gpt-test-edge"))).not.toContain("dooray-api-token");
    const worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker");
    expect(worker.environment.variables).toMatchObject({
      DOORAY_API_URL: "https://api.dooray.com",
      DOORAY_API_TOKEN_SECRET_ID: "dooray-gpt/test/dooray-api-token",
    });
    expect(JSON.parse(worker.environment.variables.CHANNEL_PROFILES)["1111111111111111111"].dooray).toEqual(channels["1111111111111111111"].dooray);
    const edge = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge");
    expect(edge.environment.variables.DOORAY_API_TOKEN_SECRET_ID).toBeUndefined();
    expect(json.output.dooray_api_token_secret_name.value).toBe("dooray-gpt/test/dooray-api-token");
  });

  it("tells the worker alone which hosts links may keep besides the tenant's (linkHosts), and refuses a pattern that is not a host", () => {
    const { json } = synth({ channels, doorayApi: {}, linkHosts: ["docs.example-corp.com", "*.example-corp.net"] });
    expect(named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables.LINK_HOSTS).toBe(
      "docs.example-corp.com,*.example-corp.net",
    );
    expect(named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge").environment.variables.LINK_HOSTS).toBeUndefined();
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, linkHosts: ["https://x.example/"] } })).toThrow(/linkHosts/);
  });

  it("tells the worker the personal-data guard's default only when it is not mask, and a channel's own in its profile", () => {
    const { json } = synth({ personalData: "block", channels: { "1111111111111111111": { name: "내부", personalData: "allow" } } });
    const worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables;
    expect(worker.PERSONAL_DATA).toBe("block");
    expect(JSON.parse(worker.CHANNEL_PROFILES)["1111111111111111111"].personalData).toBe("allow");
    expect(named(synth({}).json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables.PERSONAL_DATA).toBeUndefined();
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, personalData: "off" } })).toThrow(/personalData/);
    expect(() => parseEnvironments({ dev: { accountId: ACCOUNT, channels: { "1": { name: "x", personalData: "none" } } } })).toThrow(
      /personalData: expected one of mask, block, allow/,
    );
  });

  it("has no token secret, statement or setting without doorayApi", () => {
    const { json } = synth({});
    expect(
      resources(json, "aws_secretsmanager_secret")
        .map((secret) => secret.name)
        .sort(),
    ).toEqual(["dooray-gpt/test/dooray-app-token", "dooray-gpt/test/openai-api-key"]);
    expect(JSON.stringify(json)).not.toMatch(/ReadDoorayApiToken|DOORAY_API_URL|dooray-api-token/);
  });
});

describe("stack configuration", () => {
  it("gives every environment its own stack, names and sizes, with defaults", () => {
    const envs = parseEnvironments({ dev: { accountId: ACCOUNT }, prod: { accountId: ACCOUNT, worker: { memoryMb: 512 } } });
    expect(envs.map((env) => [env.name, env.edge, env.worker, env.region])).toEqual([
      [
        "dev",
        { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
        { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 5, maxEventAgeSeconds: 300 },
        REGION,
      ],
      [
        "prod",
        { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
        { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 5, maxEventAgeSeconds: 300 },
        REGION,
      ],
    ]);
  });

  it.each([
    [{ dev: {} }, "environments.dev.accountId: required (the 12-digit AWS account id to deploy to)"],
    [{ dev: { accountId: "12345678901" } }, "environments.dev.accountId: expected the 12-digit AWS account id"],
    [{ dev: { accountId: 123456789012 } }, "environments.dev.accountId: expected the 12-digit AWS account id"],
    [
      { dev: { accountId: ACCOUNT, memoryMb: 256 } },
      "environments.dev.memoryMb: the edge and the worker are sized apart; set edge.memoryMb and worker.memoryMb",
    ],
    [{ dev: { accountId: ACCOUNT, edge: { memoryMb: 64 } } }, "environments.dev.edge.memoryMb: expected a whole number from 128 to 3008, got 64"],
    [{ dev: { accountId: ACCOUNT, edge: { timeoutSeconds: 120 } } }, "environments.dev.edge.timeoutSeconds: expected a whole number from 5 to 60, got 120"],
    [
      { dev: { accountId: ACCOUNT, edge: { maxEventAgeSeconds: 60 } } },
      "environments.dev.edge.maxEventAgeSeconds: unknown setting; allowed: memoryMb, timeoutSeconds, reservedConcurrency",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { reservedConcurrency: 0 } } },
      "environments.dev.worker.reservedConcurrency: expected a whole number from 1 to 1000, got 0",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { maxEventAgeSeconds: 30 } } },
      "environments.dev.worker.maxEventAgeSeconds: expected a whole number from 60 to 21600, got 30",
    ],
    [
      { dev: { accountId: ACCOUNT, worker: { timeoutSeconds: 1000 } } },
      "environments.dev.worker.timeoutSeconds: expected a whole number from 30 to 900, got 1000",
    ],
    [{ dev: { accountId: ACCOUNT, worker: 5 } }, "environments.dev.worker: expected an object with memoryMb"],
    [{ dev: { accountId: ACCOUNT, logRetentionDays: 10 } }, "environments.dev.logRetentionDays: CloudWatch allows 1, 3, 5"],
    [{ dev: { accountId: ACCOUNT, region: "seoul" } }, "environments.dev.region: expected an AWS region such as ap-northeast-2"],
    [{ dev: { accountId: ACCOUNT, memorySize: 256 } }, "environments.dev.memorySize: unknown setting"],
    [{ Prod: {} }, "environments.Prod: an environment name is"],
    [{ dev: { accountId: ACCOUNT, responseUrlHosts: ["*"] } }, 'environments.dev.responseUrlHosts: "*" is not valid here; expected a list of hostnames'],
    [{ dev: { accountId: ACCOUNT, backend: { bucket: "b", region: REGION } } }, "environments.dev.backend.bucket: expected an S3 bucket name"],
    [{ dev: { accountId: ACCOUNT, backend: { bucket: "acme-state", region: REGION, lock: "dynamodb" } } }, "environments.dev.backend.dynamodbTable: required"],
    [
      { dev: { accountId: ACCOUNT, budgets: { userDailyTokens: 3000 } } },
      "environments.dev.budgets.userDailyTokens: 3000 holds less than two answers of maxOutputTokens (2000); use 0 for unlimited or at least 4000",
    ],
    [{ dev: { accountId: ACCOUNT, budgets: { channelDailyTokens: -1 } } }, "environments.dev.budgets.channelDailyTokens: expected a whole number from 0 to"],
    [
      { dev: { accountId: ACCOUNT, budgets: { timeZone: "Asia/Sejong" } } },
      'environments.dev.budgets.timeZone: "Asia/Sejong" is not a time zone Node.js knows',
    ],
    [
      { dev: { accountId: ACCOUNT, budgets: { daily: 5 } } },
      "environments.dev.budgets.daily: unknown setting; allowed: userDailyTokens, channelDailyTokens, totalDailyTokens, timeZone",
    ],
    [{ dev: { accountId: ACCOUNT, table: { deletionProtection: "yes" } } }, "environments.dev.table.deletionProtection: expected true or false"],
    [
      { dev: { accountId: ACCOUNT, alarms: { emails: ["ops@example.com", "ops"] } } },
      'environments.dev.alarms.emails: "ops" is not valid here; expected a list of e-mail addresses',
    ],
    [{ dev: { accountId: ACCOUNT, alarms: { emails: "ops@example.com" } } }, "environments.dev.alarms.emails: expected a list of e-mail addresses"],
    [{ dev: { accountId: ACCOUNT, modelPrice: { inputPerMillionTokens: "0.4" } } }, "environments.dev.modelPrice.inputPerMillionTokens: expected US dollars"],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { systemPrompt: "x" } } } },
      "environments.dev.channels: channel 123.name: expected text of 1 to 40 characters",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", persona: "x" } } } },
      "environments.dev.channels: channel 123.persona: unknown setting; allowed: name, systemPrompt, model, budgets",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", model: "gpt 4" } } } },
      "environments.dev.channels: channel 123.model: a model name has no spaces",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "리뷰", budgets: { channelDailyTokens: 100 } } } } },
      "environments.dev.channels.123.budgets.channelDailyTokens: 100 holds less than two answers",
    ],
    [{ dev: { accountId: ACCOUNT, channels: { "#general": { name: "잡담" } } } }, "environments.dev.channels: channel #general: a Dooray channel id is digits"],
    [{ dev: { accountId: ACCOUNT, channels: { abc: { name: "잡담" } } } }, "environments.dev.channels: channel abc: a Dooray channel id is digits"],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { projects: [3570526358279081523] } } } } },
      "environments.dev.channels: channel 123.dooray.projects: 3570526358279081500 is not a Dooray id; write ids as strings of digits",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { wikis: ["wiki"] } } } } },
      'environments.dev.channels: channel 123.dooray.wikis: "wiki" is not a Dooray id',
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { drives: ["1"] } } } } },
      "environments.dev.channels: channel 123.dooray.drives: unknown setting; allowed: projects, wikis, taskProject",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: {} } } } },
      "environments.dev.channels: channel 123.dooray: names no project, wiki or taskProject; leave it out instead",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { taskProject: "1" } } } } },
      "environments.dev.channels.123.dooray: this channel creates tasks, which needs the bot account's API token: set environments.dev.doorayApi",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: { "123": { name: "플랫폼", dooray: { projects: ["1"] } } } } },
      "environments.dev.channels.123.dooray: this channel reads Dooray, which needs the bot account's API token",
    ],
    [
      { dev: { accountId: ACCOUNT, doorayApi: { url: "http://api.dooray.com" } } },
      "environments.dev.doorayApi.url: expected an https URL of Dooray's REST API",
    ],
    [
      { dev: { accountId: ACCOUNT, channels: JSON.parse('{"__proto__": {"name": "잡담"}}') } },
      "environments.dev.channels: channel __proto__: a Dooray channel id is digits",
    ],
    [
      {
        dev: {
          accountId: ACCOUNT,
          maxOutputTokens: 16,
          channels: { "555": { name: "긴 지침", systemPrompt: "가".repeat(10), budgets: { channelDailyTokens: 40 } } },
        },
      },
      "environments.dev.channels.555.budgets.channelDailyTokens: 40 cannot hold one answer in channel 555: its system prompt (up to 38 tokens) and maxOutputTokens (16) need 62 before any question; use 0 for unlimited or more than 62",
    ],
    [
      {
        dev: {
          accountId: ACCOUNT,
          maxOutputTokens: 16,
          budgets: { userDailyTokens: 40 },
          channels: { "555": { name: "긴 지침", systemPrompt: "가".repeat(10) } },
        },
      },
      "environments.dev.budgets.userDailyTokens: 40 cannot hold one answer in channel 555: its system prompt (up to 38 tokens) and maxOutputTokens (16) need 62 before any question; use 0 for unlimited or more than 62",
    ],
    [{}, "environments: expected an object with at least one environment"],
  ])("refuses %j, naming the setting", (raw, message) => {
    expect(() => parseEnvironments(raw)).toThrowError(StackConfigError);
    expect(() => parseEnvironments(raw)).toThrowError(message);
  });
});

describe('model endpoints in the stack (docs/operations.md, "Model endpoints")', () => {
  const SEOUL = {
    name: "bedrock-seoul",
    baseUrl: "https://bedrock-runtime.ap-northeast-2.amazonaws.com/openai/v1",
    model: "openai.gpt-oss-120b-1:0",
    residency: "kr",
    auth: "aws",
  };
  const OPENAI = {
    name: "openai",
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4.1-mini",
    residency: "global",
    price: { inputPerMillionTokens: 0.4, outputPerMillionTokens: 1.6, cachedInputPerMillionTokens: 0.1 },
  };
  const channels = { "3333333333333333333": { name: "재무", residency: "kr" }, "4444444444444444444": { name: "잡담", endpoints: ["openai"] } };

  it("writes the list without keys, one secret per keyed endpoint, Bedrock rights on the named models only, and the two endpoint alarms", () => {
    const { json } = synth({ modelEndpoints: [SEOUL, OPENAI], channels });
    const worker = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker");
    const variables = worker.environment.variables as Record<string, string>;
    expect(JSON.parse(variables.MODEL_ENDPOINTS!)).toEqual([SEOUL, { ...OPENAI, auth: "apiKey", apiKeySecretId: "dooray-gpt/test/model-key-openai" }]);
    named(json, "aws_secretsmanager_secret", "name", "dooray-gpt/test/model-key-openai");
    expect(resources(json, "aws_secretsmanager_secret").map((secret) => secret.name)).not.toContain("dooray-gpt/test/model-key-bedrock-seoul");
    const statements = policyOf(json, "dooray-gpt-test-worker").Statement;
    expect(statements.find((statement) => statement.Sid === "InvokeNamedBedrockModels")).toEqual({
      Sid: "InvokeNamedBedrockModels",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: ["arn:aws:bedrock:ap-northeast-2::foundation-model/openai.gpt-oss-120b-1:0"],
    });
    expect(statements.find((statement) => statement.Sid === "ReadModelEndpointKeys")!.Resource).toEqual([
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dooray-gpt/test/model-key-openai-??????`,
    ]);
    const alarms = resources(json, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name);
    expect(alarms).toEqual(expect.arrayContaining(["dooray-gpt-test-model-endpoints-all-failed", "dooray-gpt-test-model-endpoint-misconfigured"]));
    expect(alarms).toHaveLength(PLANNED_RESOURCES.filter((type) => type === "aws_cloudwatch_metric_alarm").length + 2);
  });

  it("adds nothing without a list: no endpoint variable, secret, statement or alarm", () => {
    const { json } = synth();
    const variables = named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker").environment.variables as Record<string, string>;
    expect(variables.MODEL_ENDPOINTS).toBeUndefined();
    expect(policyOf(json, "dooray-gpt-test-worker").Statement.map((statement) => statement.Sid)).not.toContain("InvokeNamedBedrockModels");
    expect(resources(json, "aws_cloudwatch_metric_alarm")).toHaveLength(PLANNED_RESOURCES.filter((type) => type === "aws_cloudwatch_metric_alarm").length);
  });

  it.each([
    [
      { channels: { "3333333333333333333": { name: "재무", residency: "kr" } } },
      /channels\.3333333333333333333\.residency: channel 3333333333333333333 keeps its questions in Korea, but there is no modelEndpoints list/,
    ],
    [
      { residency: "kr", modelEndpoints: [OPENAI] },
      /environments\.test\.residency: every channel keeps its questions in Korea, but no endpoint in modelEndpoints is "kr"/,
    ],
    [
      { modelEndpoints: [SEOUL, OPENAI], channels: { "3333333333333333333": { name: "재무", residency: "kr", endpoints: ["openai"] } } },
      /none of its endpoints is "kr"/,
    ],
    [
      { modelEndpoints: [OPENAI], channels: { "4444444444444444444": { name: "잡담", endpoints: ["claude"] } } },
      /channels\.4444444444444444444\.endpoints: "claude" is not in environments\.test\.modelEndpoints \(openai\)/,
    ],
    [
      { modelEndpoints: [OPENAI], channels: { "4444444444444444444": { name: "잡담", model: "gpt-4.1-nano" } } },
      /channels\.4444444444444444444\.model: with environments\.test\.modelEndpoints, each endpoint names its model/,
    ],
    [{ modelEndpoints: [{ ...OPENAI, apiKey: "sk-live" }] }, /modelEndpoints\[0\]\.apiKey: a key never goes in the settings/],
  ])("refuses at synth %j", (settings, message) => {
    expect(() => parseEnvironments({ test: { accountId: ACCOUNT, ...settings } })).toThrowError(message);
  });
});
