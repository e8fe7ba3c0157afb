import type { ModelEndpoint, Residency } from "./model/endpoints.js";
import { parseChannelProfiles, PERSONAL_DATA_MODES, type ChannelProfiles, type PersonalDataMode } from "./channelProfiles.js";
import { VARIABLES } from "./functionEnvironment.js";

/**
 * The bot's settings, read once from environment variables (docs/architecture.md, "Configuration"). Locally they come from the shell; in AWS
 * the same names arrive as function environment, except the two secrets, which arrive as Secrets Manager names.
 */
export interface BotConfig {
  /** Model name sent to the OpenAI-compatible endpoint. */
  readonly model: string;
  /** OpenAI-compatible endpoint; undefined means the SDK's default, OpenAI's public API (api.openai.com, outside Korea). */
  readonly openaiBaseUrl: string | undefined;
  /**
   * The worker's alone, read by readModelRouting (handler/model/endpoints.ts), which the edge never loads: the
   * endpoints questions go to, in order, with failover (MODEL_ENDPOINTS); none: openaiBaseUrl alone, as before.
   */
  readonly modelEndpoints?: readonly ModelEndpoint[];
  /** The residency a channel holds to unless its profile says otherwise (MODEL_RESIDENCY); undefined: any. */
  readonly modelResidency?: Residency | undefined;
  readonly systemPrompt: string;
  /** Tenant ids allowed to use the bot; empty means any tenant. */
  readonly tenantIds: readonly string[];
  /** Host patterns a responseUrl may point at: `host.example` or `*.example` (subdomains only). */
  readonly responseUrlHosts: readonly string[];
  /** Hosts, besides the tenant's own Dooray host, that links in answers built from Dooray content may point at. */
  readonly linkHosts: readonly string[];
  /** The personal-data guard's default, which a channel profile may change: mask (the default), block or allow. */
  readonly personalData: PersonalDataMode;
  readonly allowInsecureResponseUrl: boolean;
  /** Upper bound on one model call; the worker also bounds it by the function's remaining time. */
  readonly modelTimeoutMs: number;
  readonly modelMaxRetries: number;
  /** Ask the endpoint to report usage at the end of the stream (some OpenAI-compatible servers refuse the option). */
  readonly modelStreamUsage: boolean;
  /**
   * The request field that carries the output ceiling: OpenAI's `max_completion_tokens`, or the older `max_tokens`
   * that some OpenAI-compatible servers take instead (a 400 naming the field switches over by itself, once).
   */
  readonly modelMaxTokensField: MaxTokensField;
  /** Cost ceiling per answer. */
  readonly maxOutputTokens: number;
  readonly maxQuestionChars: number;
  /** Longest text we put in one Dooray message; longer answers are split on line breaks. */
  readonly messageMaxChars: number;
  /** Minimum gap between two progress updates of the same message. */
  readonly progressIntervalMs: number;
  /** A signed job older than this is not answered (the person is told the bot was busy). */
  readonly jobMaxAgeSeconds: number;
  /** The on-failure path still tells the person about a job up to this old (queue wait + worker time + retries). */
  readonly failedJobMaxAgeSeconds: number;
  readonly logPrompts: boolean;
  /** Local values of the secrets (development only). */
  readonly localOpenaiApiKey: string | undefined;
  readonly localAppToken: string | undefined;
  /** Locally, the token before the last rotation: jobs signed with it still verify (Secrets Manager's AWSPREVIOUS). */
  readonly localPreviousAppToken: string | undefined;
  /** In AWS: the secrets' names (or ARNs) in Secrets Manager. */
  readonly openaiApiKeySecretId: string | undefined;
  readonly appTokenSecretId: string | undefined;
  /** In AWS, on the edge: the private worker function that answers questions. */
  readonly workerFunctionName: string | undefined;
  /** The DynamoDB table for budgets, job claims and conversations; locally unset means an in-memory one. */
  readonly tableName: string | undefined;
  /** Daily token budgets per person, per channel and for the whole bot; 0 means unlimited. */
  readonly budgets: { readonly user: number; readonly channel: number; readonly total: number };
  /** The IANA time zone whose midnight starts a budget day. */
  readonly budgetTimeZone: string;
  /** The zone's constant UTC offset when it has no daylight saving (the stack works it out): no formatter needed. */
  readonly budgetUtcOffsetMinutes: number | undefined;
  /** US dollars per million tokens, for the estimated-cost metric (defaults: the default model's list price). */
  readonly pricePerMillionTokens: { readonly input: number; readonly output: number; readonly cachedInput: number };
  /** The metrics' Environment dimension (dev, prod; local when run on a laptop). */
  readonly environmentName: string;
  /** Per-channel name, system prompt, model and budgets. */
  readonly channelProfiles: ChannelProfiles;
  /** Earlier turns a follow-up sends to the model, newest first, up to this many estimated tokens. */
  readonly conversationContextTokens: number;
  /** Dooray's API for dialogs; unset means https://<the tenant's domain>. Local testing only. */
  readonly doorayApiBaseUrl: string | undefined;
  /** Dooray's REST API (tasks, wikis) that the channels' tools call: not the messenger host dialogs use. */
  readonly doorayRestUrl: string;
  /** The bot account's personal API token: locally its value, in AWS its secret's name. */
  readonly localDoorayApiToken: string | undefined;
  readonly doorayApiTokenSecretId: string | undefined;
}

/** Dooray's REST API host for the commercial cloud; the public and finance clouds have their own (docs/operations.md, "Dooray tools"). */
export const DEFAULT_DOORAY_REST_URL = "https://api.dooray.com";

export const DEFAULT_MODEL = "gpt-4.1-mini";

export const DEFAULT_SYSTEM_PROMPT =
  "You are a helpful assistant inside the Dooray! messenger. Answer in the language of the question " +
  "(usually Korean). Be concise and concrete. Write plain text that reads well without Markdown rendering: " +
  "short paragraphs, simple '-' lists, no tables, no headings with '#'.";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws ConfigError naming the variable and what is allowed. */
export function readConfig(env: Env): BotConfig {
  return {
    model: text(env, VARIABLES.model) ?? DEFAULT_MODEL,
    openaiBaseUrl: httpUrl(env, VARIABLES.openaiBaseUrl),
    systemPrompt: text(env, VARIABLES.systemPrompt) ?? DEFAULT_SYSTEM_PROMPT,
    tenantIds: list(env, VARIABLES.tenantIds),
    responseUrlHosts: hostPatterns(env, VARIABLES.responseUrlHosts),
    linkHosts: hostPatterns(env, VARIABLES.linkHosts, []),
    personalData: personalDataMode(env, VARIABLES.personalData),
    allowInsecureResponseUrl: flag(env, VARIABLES.allowInsecureResponseUrl),
    modelTimeoutMs: integer(env, VARIABLES.modelTimeoutMs, 60_000, 1_000, 900_000),
    modelMaxRetries: integer(env, VARIABLES.modelMaxRetries, 1, 0, 5),
    modelStreamUsage: env.MODEL_STREAM_USAGE === undefined || env.MODEL_STREAM_USAGE.trim() === "" ? true : flag(env, VARIABLES.modelStreamUsage),
    modelMaxTokensField: maxTokensField(env, VARIABLES.modelMaxTokensField),
    maxOutputTokens: integer(env, VARIABLES.maxOutputTokens, 2_000, 16, 100_000),
    maxQuestionChars: integer(env, VARIABLES.maxQuestionChars, 4_000, 1, 50_000),
    messageMaxChars: integer(env, VARIABLES.messageMaxChars, 3_000, 200, 40_000),
    progressIntervalMs: integer(env, VARIABLES.progressIntervalMs, 1_000, 0, 60_000),
    jobMaxAgeSeconds: integer(env, VARIABLES.jobMaxAgeSeconds, 360, 10, 21_600),
    failedJobMaxAgeSeconds: integer(env, VARIABLES.failedJobMaxAgeSeconds, 3_600, 60, 43_200),
    logPrompts: flag(env, VARIABLES.logPrompts),
    localOpenaiApiKey: text(env, VARIABLES.localOpenaiApiKey),
    localAppToken: text(env, VARIABLES.localAppToken),
    localPreviousAppToken: text(env, VARIABLES.localPreviousAppToken),
    openaiApiKeySecretId: text(env, VARIABLES.openaiApiKeySecretId),
    appTokenSecretId: text(env, VARIABLES.appTokenSecretId),
    workerFunctionName: text(env, VARIABLES.workerFunctionName),
    tableName: text(env, VARIABLES.tableName),
    budgets: {
      user: integer(env, VARIABLES.userDailyTokens, 0, 0, MAX_DAILY_TOKENS),
      channel: integer(env, VARIABLES.channelDailyTokens, 0, 0, MAX_DAILY_TOKENS),
      total: integer(env, VARIABLES.totalDailyTokens, 0, 0, MAX_DAILY_TOKENS),
    },
    budgetTimeZone: timeZone(env, VARIABLES.budgetTimeZone) ?? DEFAULT_TIME_ZONE,
    budgetUtcOffsetMinutes:
      text(env, VARIABLES.budgetUtcOffsetMinutes) === undefined ? undefined : integer(env, VARIABLES.budgetUtcOffsetMinutes, 0, -720, 840),
    pricePerMillionTokens: {
      input: decimal(env, VARIABLES.priceInput, DEFAULT_PRICES.input),
      output: decimal(env, VARIABLES.priceOutput, DEFAULT_PRICES.output),
      cachedInput: decimal(
        env,
        VARIABLES.priceCachedInput,
        text(env, VARIABLES.priceInput) === undefined ? DEFAULT_PRICES.cachedInput : decimal(env, VARIABLES.priceInput, DEFAULT_PRICES.input),
      ),
    },
    environmentName: text(env, VARIABLES.environmentName) ?? "local",
    channelProfiles: profiles(env, VARIABLES.channelProfiles),
    conversationContextTokens: integer(env, VARIABLES.conversationContextTokens, 6_000, 0, 200_000),
    doorayApiBaseUrl: httpUrl(env, VARIABLES.doorayApiBaseUrl),
    doorayRestUrl: httpUrl(env, VARIABLES.doorayRestUrl) ?? DEFAULT_DOORAY_REST_URL,
    localDoorayApiToken: text(env, VARIABLES.localDoorayApiToken),
    doorayApiTokenSecretId: text(env, VARIABLES.doorayApiTokenSecretId),
  };
}

function profiles(env: Env, name: string): ChannelProfiles {
  const value = text(env, name);
  if (value === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    throw new ConfigError(name, "expected JSON: an object keyed by channel id");
  }
  try {
    return parseChannelProfiles(raw, MAX_DAILY_TOKENS);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

export const DEFAULT_TIME_ZONE = "Asia/Seoul";
/** A daily budget above this is a typo, not a budget. */
export const MAX_DAILY_TOKENS = 1_000_000_000;
/** The default model's list price in US dollars per million tokens (input, cached input, output). */
export const DEFAULT_PRICES = { input: 0.4, cachedInput: 0.1, output: 1.6 } as const;

function decimal(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed > 10_000)
    throw new ConfigError(name, `expected a price in US dollars per million tokens (0 to 10000), got "${value}"`);
  return parsed;
}

/**
 * An IANA zone name by its shape (Asia/Seoul, UTC). Whether the runtime knows it is checked where it costs
 * nothing on a cold start: by the stack at synth, and by the dev server at startup.
 */
function timeZone(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) {
    throw new ConfigError(name, `expected an IANA time zone such as Asia/Seoul or UTC, got "${value}"`);
  }
  return value;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export const MAX_TOKENS_FIELDS = ["max_completion_tokens", "max_tokens"] as const;
export type MaxTokensField = (typeof MAX_TOKENS_FIELDS)[number];

function maxTokensField(env: Env, name: string): MaxTokensField {
  const value = text(env, name) ?? "max_completion_tokens";
  if (!(MAX_TOKENS_FIELDS as readonly string[]).includes(value)) throw new ConfigError(name, `expected ${MAX_TOKENS_FIELDS.join(" or ")}, got "${value}"`);
  return value as MaxTokensField;
}

function flag(env: Env, name: string): boolean {
  const value = text(env, name);
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new ConfigError(name, `expected 1 or 0, got "${value}"`);
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function httpUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `expected an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(name, `expected an http(s) URL, got "${value}"`);
  }
  return value;
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** `*.dooray.com`, `guide.dooray.com`, `127.0.0.1` or `[::1]`; a bare `*` or a wildcard in the middle is refused. */
export function isValidHostPattern(pattern: string): boolean {
  if (pattern.startsWith("[") && pattern.endsWith("]")) return pattern.length > 2 && /^[0-9a-f:.]+$/.test(pattern.slice(1, -1));
  const rest = pattern.startsWith("*.") ? pattern.slice(2) : pattern;
  const labels = rest.split(".");
  return labels.length >= (pattern.startsWith("*.") ? 2 : 1) && labels.every((label) => HOST_LABEL.test(label));
}

function personalDataMode(env: Env, name: string): PersonalDataMode {
  const value = env[name]?.trim();
  if (!value) return "mask";
  if (!PERSONAL_DATA_MODES.includes(value as PersonalDataMode)) throw new ConfigError(name, `"${value}" is not one of ${PERSONAL_DATA_MODES.join(", ")}`);
  return value as PersonalDataMode;
}

function hostPatterns(env: Env, name: string, fallback: readonly string[] = ["*.dooray.com"]): string[] {
  const patterns = list(env, name).map((pattern) => pattern.toLowerCase());
  if (patterns.length === 0) return [...fallback];
  for (const pattern of patterns) {
    if (!isValidHostPattern(pattern)) {
      throw new ConfigError(name, `"${pattern}" is not a host pattern; use a hostname (guide.dooray.com), *.domain (subdomains) or an IP`);
    }
  }
  return patterns;
}
