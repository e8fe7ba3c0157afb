import { Testing } from "cdktf";
import { expect } from "vitest";
import { parseEnvironments } from "../../stacks/config.js";
import { DoorayGptStack } from "../../stacks/DoorayGptStack.js";

/** The stack's tests' shared ground: synth one environment of settings, and find resources and policies in it. */
export type Json = Record<string, any>;
export const ACCOUNT = "123456789012";
export const REGION = "ap-northeast-2";
export const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/dooray-gpt-test`;
/** What both functions are told about the budgets (the edge estimates reservations as the worker does). */
export const budgetVariables = {
  BOT_TABLE: "dooray-gpt-test",
  BOT_ENVIRONMENT: "test",
  BUDGET_USER_DAILY_TOKENS: "50000",
  BUDGET_CHANNEL_DAILY_TOKENS: "400000",
  BUDGET_TIME_ZONE: "UTC",
  BUDGET_UTC_OFFSET_MINUTES: "0",
  BOT_MAX_OUTPUT_TOKENS: "2000",
};
export const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {}) as Json[];
export const only = (json: Json, type: string): Json => {
  const found = resources(json, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
export const named = (json: Json, type: string, key: string, value: string): Json => {
  const found = resources(json, type).filter((resource) => resource[key] === value);
  expect(found, `${type} with ${key} ${value}`).toHaveLength(1);
  return found[0]!;
};
export const addressOf = (json: Json, type: string, resource: Json) =>
  `${type}.${Object.entries(json.resource[type]).find(([, value]) => value === resource)![0]}`;
export const policyOf = (json: Json, roleName: string) => {
  const role = named(json, "aws_iam_role", "name", roleName);
  const policy = resources(json, "aws_iam_role_policy").find((candidate) => candidate.role === `\${${addressOf(json, "aws_iam_role", role)}.name}`)!;
  return JSON.parse(policy.policy as string) as { Statement: { Sid: string; Effect: string; Action: string[]; Resource: string[] }[] };
};

export function synth(settings: Json = {}): { json: Json; stack: DoorayGptStack } {
  const [env] = parseEnvironments({ test: { accountId: ACCOUNT, ...settings } });
  const stack = new DoorayGptStack(Testing.app(), "dooray-gpt-test", env!);
  // With the constructs' own checks (node.addValidation), as synth runs them.
  return { json: JSON.parse(Testing.synth(stack, true)) as Json, stack };
}

/** The stack most tests read: every size, the retention, tenants, tags, budgets, prices and alarms set apart from their defaults. */
export function synthSized(): { json: Json; edge: Json; worker: Json } {
  const { json } = synth({
    edge: { memoryMb: 192, timeoutSeconds: 20, reservedConcurrency: 9 },
    worker: { memoryMb: 384, timeoutSeconds: 90, reservedConcurrency: 4, maxEventAgeSeconds: 240 },
    logRetentionDays: 60,
    tenantIds: ["111", "222"],
    tags: { Team: "ops" },
    budgets: { userDailyTokens: 50_000, channelDailyTokens: 400_000, timeZone: "UTC" },
    modelPrice: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
    alarms: { emails: ["ops@example.com"], budgetRefusalsPer5Minutes: 7 },
  });
  return {
    json,
    edge: named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-edge"),
    worker: named(json, "aws_lambda_function", "function_name", "dooray-gpt-test-worker"),
  };
}
