import { Testing } from "cdktf";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnvironments, StackConfigError } from "../../stacks/config.js";
import { DoorayGptStack } from "../../stacks/DoorayGptStack.js";
import { PLANNED_WITHOUT_SECRET_VALUES } from "../support/plannedResources.js";

type Json = Record<string, any>;
const only = (json: Json, type: string): Json => {
  const resources = Object.values(json.resource?.[type] ?? {}) as Json[];
  expect(resources, type).toHaveLength(1);
  return resources[0]!;
};
const addressOf = (json: Json, type: string) => `${type}.${Object.keys(json.resource[type])[0]}`;

function synth(settings: Json = {}): { json: Json; stack: DoorayGptStack } {
  const [env] = parseEnvironments({ test: settings });
  const stack = new DoorayGptStack(Testing.app(), "dooray-gpt-test", env!);
  return { json: JSON.parse(Testing.synth(stack)) as Json, stack };
}

describe("the dooray-gpt stack, as synthesized", () => {
  let json: Json;
  let stack: DoorayGptStack;
  beforeAll(() => {
    ({ json, stack } = synth({ memoryMb: 384, timeoutSeconds: 90, reservedConcurrency: 7, logRetentionDays: 60, tenantIds: ["111", "222"], tags: { Team: "ops" } }));
  });

  it("holds exactly the resources of DESIGN §6, and no data source", () => {
    const declared = [...new Set(PLANNED_WITHOUT_SECRET_VALUES), "aws_secretsmanager_secret_version"].sort();
    expect(Object.keys(json.resource).sort()).toEqual(declared);
    expect(json.data).toBeUndefined();
  });

  it("runs the bundle on nodejs22.x arm64 with the layer, JSON logs, and the configured sizes", () => {
    const fn = only(json, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "dooray-gpt-test-bot",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 384,
      timeout: 90,
      reserved_concurrent_executions: 7,
      logging_config: { log_format: "JSON", log_group: `\${${addressOf(json, "aws_cloudwatch_log_group")}.name}` },
      layers: [`\${${addressOf(json, "aws_lambda_layer_version")}.arn}`],
    });
    expect(fn.filename).toMatch(/^assets\/bot_handler_\w+\/current\/handler\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  it("depends on its log group, which has the configured retention", () => {
    const fn = only(json, "aws_lambda_function");
    expect(fn.depends_on).toEqual([addressOf(json, "aws_cloudwatch_log_group")]);
    expect(only(json, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/lambda/dooray-gpt-test-bot", retention_in_days: 60 });
  });

  it("gives the function settings and secret ARNs only, never a secret value", () => {
    const variables = only(json, "aws_lambda_function").environment.variables as Record<string, string>;
    expect(Object.keys(variables).sort()).toEqual([
      "BOT_MAX_OUTPUT_TOKENS",
      "BOT_MODEL",
      "DOORAY_APP_TOKEN_SECRET_ARN",
      "DOORAY_TENANT_IDS",
      "MODEL_TIMEOUT_MS",
      "OPENAI_API_KEY_SECRET_ARN",
      "RESPONSE_URL_HOSTS",
    ]);
    expect(variables).toMatchObject({ DOORAY_TENANT_IDS: "111,222", RESPONSE_URL_HOSTS: "*.dooray.com", MODEL_TIMEOUT_MS: "70000" });
    expect(variables.OPENAI_API_KEY_SECRET_ARN).toMatch(/^\$\{aws_secretsmanager_secret\.\w+\.arn\}$/);
    expect(variables.DOORAY_APP_TOKEN_SECRET_ARN).toMatch(/^\$\{aws_secretsmanager_secret\.\w+\.arn\}$/);
  });

  it("writes secret values only through ephemeral variables into write-only arguments, counted by a plain version", () => {
    expect(JSON.stringify(json)).not.toMatch(/"secret_string"|"secret_binary"/);
    for (const name of ["openai_api_key", "dooray_app_token"]) {
      expect(json.variable[name]).toEqual(expect.objectContaining({ type: "string", sensitive: true, ephemeral: true, default: null, nullable: true }));
      expect(json.variable[`${name}_version`]).toMatchObject({ type: "number", default: 0 });
    }
    const versions = Object.values(json.resource.aws_secretsmanager_secret_version) as Json[];
    expect(versions.map((version) => version.secret_string_wo).sort()).toEqual(["${var.dooray_app_token}", "${var.openai_api_key}"]);
    expect(versions.map((version) => version.count).sort()).toEqual(["${(var.dooray_app_token_version >= 1) ? 1 : 0}", "${(var.openai_api_key_version >= 1) ? 1 : 0}"]);
    expect(versions.map((version) => version.secret_string_wo_version).sort()).toEqual(["${var.dooray_app_token_version}", "${var.openai_api_key_version}"]);
    const secrets = Object.values(json.resource.aws_secretsmanager_secret) as Json[];
    expect(secrets.map((secret) => secret.name).sort()).toEqual(["dooray-gpt/test/dooray-app-token", "dooray-gpt/test/openai-api-key"]);
  });

  it("grants least privilege: its logs, its two secrets, itself; exact actions and resources, nothing wild", () => {
    const statements = stack.role.statements;
    expect(statements.map((statement) => [statement.Sid, statement.Action])).toEqual([
      ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"]],
      ["ReadOwnSecrets", ["secretsmanager:GetSecretValue"]],
      ["InvokeSelf", ["lambda:InvokeFunction"]],
    ]);
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      for (const action of statement.Action) expect(action).not.toContain("*");
      for (const resource of statement.Resource) expect(resource).not.toBe("*");
    }
    const policy = only(json, "aws_iam_role_policy").policy as string;
    expect(policy).toContain(`\${${addressOf(json, "aws_cloudwatch_log_group")}.arn}:*`);
    expect(policy).toContain(`aws_lambda_function.${Object.keys(json.resource.aws_lambda_function)[0]}.arn`);
    expect(policy.match(/aws_secretsmanager_secret\.\w+\.arn/g)).toHaveLength(2);
    expect(policy).not.toMatch(/"\*"|"[a-z]+:\*"/);
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(only(json, "aws_iam_role").assume_role_policy).toContain('"Service" = "lambda.amazonaws.com"');
  });

  it("serves a Function URL without auth, plus the InvokeFunction permission new URLs need", () => {
    expect(only(json, "aws_lambda_function_url")).toMatchObject({ authorization_type: "NONE", invoke_mode: "BUFFERED" });
    expect(only(json, "aws_lambda_permission")).toMatchObject({ action: "lambda:InvokeFunction", principal: "*" });
  });

  it("never retries an async job and bounds its age", () => {
    expect(only(json, "aws_lambda_function_event_invoke_config")).toMatchObject({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 300 });
  });

  it("ships the layer for nodejs22.x on arm64", () => {
    expect(only(json, "aws_lambda_layer_version")).toMatchObject({ layer_name: "dooray-gpt-test-openai", compatible_runtimes: ["nodejs22.x"], compatible_architectures: ["arm64"] });
  });

  it("tags everything through the provider's default tags", () => {
    expect(json.provider.aws[0]).toMatchObject({ region: "ap-northeast-2", default_tags: [{ tags: { Project: "dooray-gpt", Environment: "test", Team: "ops" } }] });
  });

  it("outputs the Request URL, the secret ARNs and the log group", () => {
    expect(Object.keys(json.output).sort()).toEqual(["dooray_app_token_secret_arn", "function_name", "function_url", "log_group_name", "openai_api_key_secret_arn"]);
    expect(json.output.function_url.value).toBe(`\${${addressOf(json, "aws_lambda_function_url")}.function_url}`);
  });

  it("keeps state in an explicit, relative local path by default", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.dooray-gpt-test.tfstate" } });
  });

  it("uses an S3 backend with S3-native locking when configured", () => {
    const { json: withS3 } = synth({ backend: { bucket: "acme-tfstate", region: "ap-northeast-2" } });
    expect(withS3.terraform.backend).toEqual({ s3: { bucket: "acme-tfstate", key: "dooray-gpt/test/terraform.tfstate", region: "ap-northeast-2", encrypt: true, use_lockfile: true } });
  });
});

describe("stack configuration", () => {
  it("gives every environment its own stack and names", () => {
    const envs = parseEnvironments({ dev: {}, prod: { memoryMb: 512 } });
    expect(envs.map((env) => [env.name, env.memoryMb, env.region])).toEqual([
      ["dev", 256, "ap-northeast-2"],
      ["prod", 512, "ap-northeast-2"],
    ]);
  });

  it.each([
    [{ dev: { memoryMb: 64 } }, "environments.dev.memoryMb: expected a whole number from 128 to 10240, got 64"],
    [{ dev: { logRetentionDays: 10 } }, "environments.dev.logRetentionDays: CloudWatch allows 1, 3, 5"],
    [{ dev: { region: "seoul" } }, "environments.dev.region: expected an AWS region such as ap-northeast-2"],
    [{ dev: { memorySize: 256 } }, "environments.dev.memorySize: unknown setting"],
    [{ Prod: {} }, "environments.Prod: an environment name is"],
    [{ dev: { responseUrlHosts: ["*"] } }, "environments.dev.responseUrlHosts: expected a list of hostnames"],
    [{ dev: { backend: { bucket: "b", region: "ap-northeast-2" } } }, "environments.dev.backend.bucket: expected an S3 bucket name"],
    [{ dev: { backend: { bucket: "acme-state", region: "ap-northeast-2", lock: "dynamodb" } } }, "environments.dev.backend.dynamodbTable: required"],
    [{}, "environments: expected an object with at least one environment"],
  ])("refuses %j, naming the setting", (raw, message) => {
    expect(() => parseEnvironments(raw)).toThrowError(StackConfigError);
    expect(() => parseEnvironments(raw)).toThrowError(message);
  });
});
