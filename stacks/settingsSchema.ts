import { z } from "zod";
import { DEFAULT_DOORAY_REST_URL, DEFAULT_TIME_ZONE, MAX_DAILY_TOKENS } from "../handler/config.js";
import { isKnownTimeZone } from "../handler/store/budgetDay.js";

/**
 * Every setting of an environment, declared once (docs/configuration.md, "Settings per environment"): its meaning,
 * its type and range, its default. The settings' types, their list of allowed keys and their defaults all come from
 * this one schema; stacks/config.ts adds the checks that span settings. zod runs at synth only, where its bytes do
 * not matter: neither function ships it.
 */

/** A setting's value is refused with the sentence an operator reads after the setting's path. */
function refuse(ctx: { addIssue: (issue: { code: "custom"; message: string }) => void }, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

const show = (value: unknown) => JSON.stringify(value);

/** A whole number within a range; absent, the default (or required without one). */
function wholeNumber(min: number, max: number, fallback?: number) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): number => {
      const value = raw ?? fallback;
      if (value === undefined) return refuse(ctx, `required (a whole number from ${min} to ${max})`);
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
        return refuse(ctx, `expected a whole number from ${min} to ${max}, got ${show(value)}`);
      return value;
    });
}

/** Text matching a pattern, said as `allowed` when it does not; absent, the default (or required without one). */
function text<T extends string = string>(pattern: RegExp, allowed: string, fallback?: T) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): T => {
      const value = raw ?? fallback;
      if (value === undefined) return refuse(ctx, `required (${allowed})`);
      if (typeof value !== "string" || !pattern.test(value)) return refuse(ctx, `expected ${allowed}, got ${show(value)}`);
      return value as T;
    });
}

/** Text matching a pattern, or nothing. */
function optionalText<T extends string = string>(pattern: RegExp, allowed: string) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined) return undefined;
      if (typeof raw !== "string" || !pattern.test(raw)) return refuse(ctx, `expected ${allowed}, got ${show(raw)}`);
      return raw as T;
    });
}

function flag(fallback: boolean) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): boolean => {
      const value = raw ?? fallback;
      if (typeof value !== "boolean") return refuse(ctx, `expected true or false, got ${show(value)}`);
      return value;
    });
}

/** A list of texts, each matching a pattern. */
function list(pattern: RegExp, allowed: string, fallback: readonly string[] = []) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): string[] => {
      const value = raw ?? fallback;
      if (!Array.isArray(value)) return refuse(ctx, `expected a list of ${allowed}, got ${show(value)}`);
      const bad = value.find((item) => typeof item !== "string" || !pattern.test(item));
      if (bad !== undefined) return refuse(ctx, `${show(bad)} is not valid here; expected a list of ${allowed}`);
      return [...(value as string[])];
    });
}

/** US dollars per million tokens; absent, the default (or none). */
function dollars(fallback?: number) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx): number | undefined => {
      const value = raw ?? fallback;
      if (value === undefined) return undefined;
      if (typeof value !== "number" || !(value >= 0 && value <= 10_000)) return refuse(ctx, `expected US dollars from 0 to 10000, got ${show(value)}`);
      return value;
    });
}

/** The messages of an object of settings: what it holds when it is not an object, and which keys it allows. */
function objectErrors(keys: readonly string[], notAnObject: string) {
  return (issue: { code?: string }) =>
    issue.code === "unrecognized_keys" ? `unknown setting; allowed: ${keys.join(", ")}` : issue.code === "invalid_type" ? notAnObject : undefined;
}

/** A group of settings; absent, every one of them at its default. */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
  const keys = Object.keys(shape);
  return z.preprocess((raw) => raw ?? {}, z.strictObject(shape, { error: objectErrors(keys, `expected an object with ${keys.join(", ")}`) }));
}

/** A group of settings that may be left out altogether. */
function optionalSection<Shape extends z.ZodRawShape>(shape: Shape, notAnObject: string) {
  return z.strictObject(shape, { error: objectErrors(Object.keys(shape), notAnObject) }).optional();
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const dailyTokens = () => wholeNumber(0, MAX_DAILY_TOKENS, 0).describe("daily tokens; 0 = unlimited, else at least two answers of maxOutputTokens");

export const ENVIRONMENT_SETTINGS = {
  accountId: text(/^\d{12}$/, "the 12-digit AWS account id to deploy to").describe(
    "the AWS account: ARNs are built from it, and the provider refuses any other",
  ),
  region: text(REGION, "an AWS region such as ap-northeast-2", "ap-northeast-2").describe("the AWS region"),
  edge: section({
    memoryMb: wholeNumber(128, 3008, 256),
    timeoutSeconds: wholeNumber(5, 60, 30),
    reservedConcurrency: wholeNumber(1, 1000, 10),
  }).describe("the public function: its answers take well under a second; the timeout bounds telling a person about a failed job"),
  worker: section({
    memoryMb: wholeNumber(128, 10240, 256),
    timeoutSeconds: wholeNumber(30, 900, 120),
    reservedConcurrency: wholeNumber(1, 1000, 5),
    // Lambda's own bounds for an asynchronous event's age.
    maxEventAgeSeconds: wholeNumber(60, 21600, 300),
  }).describe("the private function: one answer per instance; its reserved concurrency is the cost ceiling"),
  logRetentionDays: wholeNumber(1, 3653, 30)
    .transform((days, ctx) => (LOG_RETENTION_DAYS.includes(days) ? days : refuse(ctx, `CloudWatch allows ${LOG_RETENTION_DAYS.join(", ")}; got ${days}`)))
    .describe("CloudWatch retention of both log groups"),
  tracing: flag(false).describe("X-Ray active tracing on both functions"),
  codeSigning: flag(false).describe("AWS Signer signs every bundle and Lambda runs only signed code"),
  model: text(/^\S{1,100}$/, "a model name without spaces", "gpt-4.1-mini").describe("the default model"),
  openaiBaseUrl: optionalText(/^https:\/\/\S+$/, "an https URL").describe("an OpenAI-compatible endpoint; none: the SDK's default, api.openai.com"),
  modelEndpoints: z.unknown().optional().describe("endpoints in order, with failover (handler/model/endpoints.ts parses them, at synth and in the worker)"),
  residency: optionalText<"kr" | "global">(/^(kr|global)$/, '"kr" (questions processed in Korea only) or "global"').describe(
    "the residency every channel holds to",
  ),
  openaiStreamUsage: flag(true).describe("false for an endpoint that refuses stream_options (budgets then settle on estimates)"),
  openaiMaxTokensField: text<"max_completion_tokens" | "max_tokens">(
    /^(max_completion_tokens|max_tokens)$/,
    "max_completion_tokens or max_tokens",
    "max_completion_tokens",
  ).describe("the request field of the output ceiling"),
  maxOutputTokens: wholeNumber(16, 100_000, 2000).describe("the cost ceiling per answer"),
  responseUrlHosts: list(HOST_PATTERN, "hostnames or *.domain patterns", ["*.dooray.com"]).describe("where answers may be posted"),
  linkHosts: list(HOST_PATTERN, "hostnames or *.domain patterns").describe(
    "hosts, besides the tenant's, that links in answers built from Dooray content may keep",
  ),
  personalData: text<"mask" | "block" | "allow">(/^(mask|block|allow)$/, "mask, block or allow", "mask").describe("the personal-data guard's default"),
  tenantIds: list(/^\d{1,30}$/, "Dooray tenant ids (digits)").describe("which tenants may ask; none: any"),
  tags: z
    .unknown()
    .optional()
    .transform((raw, ctx): Record<string, string> => {
      const value = raw ?? {};
      if (typeof value !== "object" || value === null || Array.isArray(value) || Object.values(value).some((tag) => typeof tag !== "string"))
        return refuse(ctx, `expected an object of string values, got ${show(value)}`);
      return { ...(value as Record<string, string>) };
    })
    .describe("tags on every resource"),
  backend: optionalSection(
    {
      bucket: text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
      region: text(REGION, "an AWS region"),
      key: optionalText(/^\S+$/, "an object key"),
      lock: text<"s3" | "dynamodb">(/^(s3|dynamodb)$/, '"s3" or "dynamodb"', "s3"),
      dynamodbTable: optionalText(/^[\w.-]{3,255}$/, "a DynamoDB table name"),
    },
    'expected {"bucket", "region", "key"?, "lock"?, "dynamodbTable"?}',
  ).describe("S3 state; none: a local state file"),
  budgets: section({
    userDailyTokens: dailyTokens(),
    channelDailyTokens: dailyTokens(),
    totalDailyTokens: dailyTokens(),
    timeZone: text(/^[A-Za-z][\w+/-]*$/, "an IANA time zone such as Asia/Seoul or UTC", DEFAULT_TIME_ZONE).transform((zone, ctx) =>
      isKnownTimeZone(zone) ? zone : refuse(ctx, `"${zone}" is not a time zone Node.js knows (IANA names, such as Asia/Seoul or UTC)`),
    ),
  }).describe("daily token budgets per person, per channel and for the whole bot, and the zone whose midnight resets them"),
  modelPrice: section({
    inputPerMillionTokens: dollars(),
    outputPerMillionTokens: dollars(),
    cachedInputPerMillionTokens: dollars(),
  }).describe("the default model's list price, US dollars per million tokens"),
  table: section({ pointInTimeRecovery: flag(false), deletionProtection: flag(false) }).describe("the table's backups and delete guard"),
  alarms: section({
    emails: list(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "e-mail addresses"),
    budgetRefusalsPer5Minutes: wholeNumber(1, 100_000, 20),
  }).describe("who is e-mailed when an alarm fires, and the budget-refusal alarm's threshold"),
  channels: z.unknown().optional().describe("per-channel profiles (handler/channelProfiles.ts parses them, at synth and in both functions)"),
  doorayApi: optionalSection(
    { url: text(/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, "an https URL of Dooray's REST API, such as https://api.dooray.com", DEFAULT_DOORAY_REST_URL) },
    `expected {"url"?} (the REST API host; default ${DEFAULT_DOORAY_REST_URL})`,
  ).describe("Dooray's REST API for the channels' tools; brings the bot account's token secret"),
  costs: optionalSection(
    {
      krwPerUsd: z
        .unknown()
        .optional()
        .transform((raw, ctx): number =>
          typeof raw === "number" && raw > 0 && raw < 100_000 ? raw : refuse(ctx, `expected won per US dollar, such as 1450, got ${show(raw)}`),
        ),
      rateDate: text(/^\d{4}-\d{2}-\d{2}$/, "the day the rate was taken, YYYY-MM-DD"),
    },
    "expected an object with krwPerUsd, rateDate",
  ).describe("the exchange rate the reviewer's summary prints amounts in won at, with its date"),
};

/** Every setting, as the schema validates it; unknown keys are refused naming the allowed ones. */
export const environmentSchema = z.strictObject(ENVIRONMENT_SETTINGS, {
  error: objectErrors(Object.keys(ENVIRONMENT_SETTINGS), "expected an object of settings"),
});

export type EnvironmentSettings = z.output<typeof environmentSchema>;

/** The first problem zod found, as one line naming the setting: `environments.dev.edge.memoryMb: expected …`. */
export function settingError(error: z.ZodError, at: string): string {
  const issue = error.issues[0]!;
  const path = [at, ...issue.path.map(String), ...(issue.code === "unrecognized_keys" ? [issue.keys[0]!] : [])];
  return `${path.join(".")}: ${issue.message}`;
}
