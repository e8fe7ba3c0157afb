import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, REGION, addressOf, named, only, policyOf, resources, synth, synthSized, type Json } from "../support/stackSynth.js";

describe("the dooray-gpt stack, as synthesized: its key, queue, secrets, table, alarms and state", () => {
  let json: Json;
  let edge: Json;
  let worker: Json;
  beforeAll(() => {
    ({ json, edge, worker } = synthSized());
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
