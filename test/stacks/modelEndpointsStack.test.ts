import { describe, expect, it } from "vitest";
import { parseEnvironments } from "../../stacks/config.js";
import { PLANNED_RESOURCES } from "../support/plannedResources.js";
import { ACCOUNT, REGION, named, policyOf, resources, synth } from "../support/stackSynth.js";
import { OPENAI_ENDPOINT, SEOUL_ENDPOINT } from "../support/sampleEndpoints.js";

describe('model endpoints in the stack (docs/operations.md, "Model endpoints")', () => {
  const [SEOUL, OPENAI] = [SEOUL_ENDPOINT, OPENAI_ENDPOINT];
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
