import { beforeAll, describe, expect, it } from "vitest";
import { PLANNED_RESOURCES } from "../support/plannedResources.js";
import { ACCOUNT, REGION, TABLE_ARN, addressOf, budgetVariables, named, only, policyOf, resources, synthSized, type Json } from "../support/stackSynth.js";

describe("the dooray-gpt stack, as synthesized", () => {
  let json: Json;
  let edge: Json;
  let worker: Json;
  beforeAll(() => {
    ({ json, edge, worker } = synthSized());
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
});
