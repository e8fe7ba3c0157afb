import { StackConfigError } from "./stackConfigError.js";
import { DEFAULT_DOORAY_REST_URL, DEFAULT_PRICES, DEFAULT_SYSTEM_PROMPT, DEFAULT_TIME_ZONE, MAX_DAILY_TOKENS, type MaxTokensField } from "../handler/config.js";
import { fixedOffsetMinutes, isKnownTimeZone } from "../handler/store/budgetDay.js";
import { parseChannelProfiles, type ChannelProfiles, type PersonalDataMode } from "../handler/channelProfiles.js";
import { promptTokenBound, reservationFor } from "../handler/store/tokenEstimate.js";
import {
  isLoopback,
  LOOPBACK_REFUSED,
  parseModelEndpoints,
  routeFor,
  unlistedEndpoint,
  type ModelEndpoint,
  type Residency,
} from "../handler/model/endpoints.js";

/**
 * Deployment settings, one entry per environment, from the `environments` object in cdktf.json's `context`
 * (docs/configuration.md, "Settings per environment"). Each environment becomes its own stack, `dooray-gpt-<name>`. Everything is validated before
 * synth writes anything; an invalid value stops synth with a message naming the setting and what is allowed.
 */
export interface EnvironmentConfig {
  /** Used in every resource name: dooray-gpt-<name>-…; lower-case letters, digits, dashes. */
  readonly name: string;
  /** The AWS account this environment deploys to (12 digits): ARNs are built from it, and the provider refuses others. */
  readonly accountId: string;
  readonly region: string;
  /** The public function: Dooray's requests and failure records. Short work, so small and quick. */
  readonly edge: FunctionSizing;
  /** The private function: one answer per instance; its reserved concurrency is the cost ceiling. */
  readonly worker: WorkerSizing;
  readonly logRetentionDays: number;
  /** X-Ray active tracing on both functions. */
  readonly tracing: boolean;
  /** AWS Signer signs every bundle and Lambda runs only signed code (docs/operations.md, "Code signing"). */
  readonly codeSigning: boolean;
  readonly model: string;
  readonly openaiBaseUrl: string | undefined;
  /**
   * The endpoints questions go to, in order, with failover (docs/operations.md, "Model endpoints"); empty: model and
   * openaiBaseUrl alone, as one endpoint.
   */
  readonly modelEndpoints: readonly ModelEndpoint[];
  /** The residency every channel holds to unless its profile says otherwise; undefined: any endpoint. */
  readonly residency: Residency | undefined;
  /** false for an OpenAI-compatible endpoint that refuses `stream_options` (budgets then settle on estimates). */
  readonly openaiStreamUsage: boolean;
  /** "max_tokens" for an OpenAI-compatible endpoint that refuses `max_completion_tokens`. */
  readonly openaiMaxTokensField: MaxTokensField;
  readonly maxOutputTokens: number;
  readonly responseUrlHosts: readonly string[];
  /** Hosts, besides the tenant's own Dooray host, that links in answers built from Dooray content may keep. */
  readonly linkHosts: readonly string[];
  /** The personal-data guard's default (docs/privacy.md, "Personal data"): mask, block or allow; a channel may change it. */
  readonly personalData: PersonalDataMode;
  readonly tenantIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: S3BackendConfig | undefined;
  /** Daily token budgets (0 = unlimited) and the time zone whose midnight starts a day. */
  readonly budgets: BudgetSettings;
  /** US dollars per million tokens, for the estimated-cost metric. */
  readonly modelPrice: { readonly inputPerMillionTokens: number; readonly outputPerMillionTokens: number; readonly cachedInputPerMillionTokens: number };
  readonly table: TableSettings;
  readonly alarms: AlarmSettings;
  /** Per-channel name, system prompt, model, budgets and Dooray scope (docs/architecture.md, "Channel profiles"). */
  readonly channels: ChannelProfiles;
  /**
   * Dooray's REST API for the channels' tools (docs/operations.md, "Dooray tools"): set, the environment gets the
   * secret for the bot account's token and the worker may read it; unset, no channel may have a `dooray` scope.
   */
  readonly doorayApi: { readonly url: string } | undefined;
  /** The exchange rate the reviewer's summary prints amounts in won at, with its date; none: dollars only. */
  readonly costs: { readonly krwPerUsd: number; readonly rateDate: string } | undefined;
}

/** One function's size: its memory, its time limit and how many may run at once. */
export interface FunctionSizing {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** At most this many instances at once; for the worker, the cost ceiling. */
  readonly reservedConcurrency: number;
}

export interface WorkerSizing extends FunctionSizing {
  /** Longest a job waits in Lambda's queue for a free worker before the person gets the busy message. */
  readonly maxEventAgeSeconds: number;
}

export interface BudgetSettings {
  readonly userDailyTokens: number;
  readonly channelDailyTokens: number;
  /** The whole bot's, every tenant and channel together: the ceiling of a day's model spend. */
  readonly totalDailyTokens: number;
  readonly timeZone: string;
  /** The zone's UTC offset if it has no daylight saving this year or next (then the functions need no formatter). */
  readonly utcOffsetMinutes: number | undefined;
}

export interface TableSettings {
  /** Continuous backups for 35 days (point-in-time recovery). */
  readonly pointInTimeRecovery: boolean;
  /** DynamoDB refuses to delete the table while this is on (a destroy must turn it off first). */
  readonly deletionProtection: boolean;
}

export interface AlarmSettings {
  /** Who gets alarm e-mails (an SNS topic with one e-mail subscription each); none: alarms without actions. */
  readonly emails: readonly string[];
  /** Budget refusals in 5 minutes above which the alarm fires. */
  readonly budgetRefusalsPer5Minutes: number;
}

export interface S3BackendConfig {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** "s3": S3-native lock file (Terraform ≥ 1.10); "dynamodb": a lock table (dynamodbTable required). */
  readonly lock: "s3" | "dynamodb";
  readonly dynamodbTable: string | undefined;
}

export { StackConfigError };

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const DEFAULTS = {
  region: "ap-northeast-2",
  logRetentionDays: 30,
  model: "gpt-4.1-mini",
  maxOutputTokens: 2000,
  responseUrlHosts: ["*.dooray.com"],
} as const;

const KNOWN_KEYS = new Set([
  "accountId",
  "region",
  "edge",
  "worker",
  "logRetentionDays",
  "tracing",
  "codeSigning",
  "model",
  "openaiBaseUrl",
  "modelEndpoints",
  "residency",
  "openaiStreamUsage",
  "openaiMaxTokensField",
  "maxOutputTokens",
  "responseUrlHosts",
  "linkHosts",
  "personalData",
  "tenantIds",
  "tags",
  "backend",
  "budgets",
  "modelPrice",
  "table",
  "alarms",
  "channels",
  "doorayApi",
  "costs",
]);
/** Settings that name a function's size without saying which function: where each one goes. */
const MOVED_KEYS: Record<string, string> = {
  memoryMb: "edge.memoryMb and worker.memoryMb",
  timeoutSeconds: "edge.timeoutSeconds and worker.timeoutSeconds",
  reservedConcurrency: "edge.reservedConcurrency and worker.reservedConcurrency",
};

export function parseEnvironments(raw: unknown): EnvironmentConfig[] {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    throw new StackConfigError('environments: expected an object with at least one environment, e.g. {"dev": {}}');
  }
  return Object.entries(raw).map(([name, settings]) => {
    const environment = parseEnvironment(name, settings);
    checkProfilesFit(environment, `environments.${name}`);
    checkScopesHaveToken(environment, `environments.${name}`);
    checkRoutes(environment, `environments.${name}`);
    return environment;
  });
}

function parseEnvironment(name: string, raw: unknown): EnvironmentConfig {
  const at = `environments.${name}`;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
    throw new StackConfigError(`${at}: an environment name is 1-20 lower-case letters, digits or dashes, starting with a letter`);
  }
  if (!isObject(raw)) throw new StackConfigError(`${at}: expected an object of settings`);
  for (const key of Object.keys(raw)) {
    if (MOVED_KEYS[key]) throw new StackConfigError(`${at}.${key}: the edge and the worker are sized apart; set ${MOVED_KEYS[key]}`);
    if (!KNOWN_KEYS.has(key)) throw new StackConfigError(`${at}.${key}: unknown setting; allowed: ${[...KNOWN_KEYS].join(", ")}`);
  }
  const logRetentionDays = int(raw, at, "logRetentionDays", DEFAULTS.logRetentionDays, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new StackConfigError(`${at}.logRetentionDays: CloudWatch allows ${LOG_RETENTION_DAYS.join(", ")}; got ${logRetentionDays}`);
  }
  const maxOutputTokens = int(raw, at, "maxOutputTokens", DEFAULTS.maxOutputTokens, 16, 100_000);
  return {
    name,
    accountId: str(raw, at, "accountId", undefined, /^\d{12}$/, "the 12-digit AWS account id to deploy to"),
    region: str(raw, at, "region", DEFAULTS.region, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as ap-northeast-2"),
    edge: edgeSizing(raw.edge, `${at}.edge`),
    worker: workerSizing(raw.worker, `${at}.worker`),
    logRetentionDays,
    tracing: bool(raw, at, "tracing", false),
    codeSigning: bool(raw, at, "codeSigning", false),
    model: str(raw, at, "model", DEFAULTS.model, /^\S{1,100}$/, "a model name without spaces"),
    openaiBaseUrl: notLoopback(optionalStr(raw, at, "openaiBaseUrl", /^https:\/\/\S+$/, "an https URL"), `${at}.openaiBaseUrl`),
    modelEndpoints: modelEndpoints(raw.modelEndpoints, `${at}.modelEndpoints`),
    residency: optionalStr(raw, at, "residency", /^(kr|global)$/, '"kr" (questions processed in Korea only) or "global"') as Residency | undefined,
    openaiStreamUsage: bool(raw, at, "openaiStreamUsage", true),
    openaiMaxTokensField: str(
      raw,
      at,
      "openaiMaxTokensField",
      "max_completion_tokens",
      /^(max_completion_tokens|max_tokens)$/,
      "max_completion_tokens or max_tokens",
    ) as MaxTokensField,
    maxOutputTokens,
    responseUrlHosts: strList(raw, at, "responseUrlHosts", DEFAULTS.responseUrlHosts, /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, "hostnames or *.domain patterns"),
    linkHosts: strList(raw, at, "linkHosts", [], /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, "hostnames or *.domain patterns"),
    personalData: str(raw, at, "personalData", "mask", /^(mask|block|allow)$/, "mask, block or allow") as PersonalDataMode,
    tenantIds: strList(raw, at, "tenantIds", [], /^\d{1,30}$/, "Dooray tenant ids (digits)"),
    tags: tags(raw, at),
    backend: backend(raw.backend, `${at}.backend`, name),
    budgets: budgets(raw.budgets, `${at}.budgets`, maxOutputTokens),
    modelPrice: modelPrice(raw.modelPrice, `${at}.modelPrice`),
    table: tableSettings(raw.table, `${at}.table`),
    alarms: alarms(raw.alarms, `${at}.alarms`),
    channels: channels(raw.channels, `${at}.channels`, maxOutputTokens),
    doorayApi: doorayApi(raw.doorayApi, `${at}.doorayApi`),
    costs: costs(raw.costs, `${at}.costs`),
  };
}

function costs(raw: unknown, at: string): EnvironmentConfig["costs"] {
  if (raw === undefined) return undefined;
  const settings = sizingObject(raw, at, ["krwPerUsd", "rateDate"]);
  const krwPerUsd = settings.krwPerUsd;
  if (typeof krwPerUsd !== "number" || !(krwPerUsd > 0 && krwPerUsd < 100_000))
    throw new StackConfigError(`${at}.krwPerUsd: expected won per US dollar, such as 1450, got ${JSON.stringify(krwPerUsd)}`);
  const rateDate = str(settings, at, "rateDate", undefined, /^\d{4}-\d{2}-\d{2}$/, "the day the rate was taken, YYYY-MM-DD");
  return { krwPerUsd, rateDate };
}

function notLoopback(url: string | undefined, at: string): string | undefined {
  if (url !== undefined && isLoopback(url)) throw new StackConfigError(`${at}: ${LOOPBACK_REFUSED}`);
  return url;
}

function modelEndpoints(raw: unknown, at: string): ModelEndpoint[] {
  if (raw === undefined) return [];
  try {
    return parseModelEndpoints(raw, { inlineKeys: false, at, strictResidency: true });
  } catch (error) {
    throw new StackConfigError((error as Error).message);
  }
}

/**
 * Where each channel's questions go must be somewhere: a profile names only listed endpoints, takes its model from
 * them when there is a list, and a channel held to `kr` has a `kr` endpoint to go to (else every question of it
 * would be refused).
 */
function checkRoutes(environment: EnvironmentConfig, at: string): void {
  const listed = environment.modelEndpoints;
  const unlisted = unlistedEndpoint(environment.openaiBaseUrl, environment.model);
  const channels: [string, string, Parameters<typeof routeFor>[2]][] = [
    ["", `${at}.residency`, undefined],
    ...Object.entries(environment.channels).map(([channelId, profile]): [string, string, Parameters<typeof routeFor>[2]] => [
      channelId,
      `${at}.channels.${channelId}`,
      profile,
    ]),
  ];
  for (const [channelId, where, profile] of channels) {
    const unknown = profile?.endpoints?.find((name) => !listed.some((endpoint) => endpoint.name === name));
    if (unknown)
      throw new StackConfigError(
        `${where}.endpoints: "${unknown}" is not in ${at}.modelEndpoints${listed.length > 0 ? ` (${listed.map((endpoint) => endpoint.name).join(", ")})` : ", which lists none"}`,
      );
    const model = channelId ? environment.channels[channelId]?.model : undefined;
    if (model && listed.length > 0)
      throw new StackConfigError(
        `${where}.model: with ${at}.modelEndpoints, each endpoint names its model; name the endpoints this channel uses instead ("endpoints": [...])`,
      );
    const route = routeFor(listed, unlisted, profile, environment.residency);
    if (route.endpoints.length === 0) {
      const whose = channelId ? `channel ${channelId} keeps its questions in Korea` : "every channel keeps its questions in Korea";
      throw new StackConfigError(
        `${route.residency === profile?.residency && channelId ? `${where}.residency` : `${at}.residency`}: ${whose}, but ${profile?.endpoints ? "none of its endpoints is" : listed.length > 0 ? "no endpoint in modelEndpoints is" : "there is no modelEndpoints list, and the default endpoint (api.openai.com or openaiBaseUrl) is not"} "kr"; add a "kr" endpoint (docs/operations.md, "Model endpoints")`,
      );
    }
  }
}

function doorayApi(raw: unknown, at: string): EnvironmentConfig["doorayApi"] {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new StackConfigError(`${at}: expected {"url"?} (the REST API host; default ${DEFAULT_DOORAY_REST_URL})`);
  const unknown = Object.keys(raw).find((key) => key !== "url");
  if (unknown) throw new StackConfigError(`${at}.${unknown}: unknown setting; allowed: url`);
  return {
    url: str(raw, at, "url", DEFAULT_DOORAY_REST_URL, /^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, "an https URL of Dooray's REST API, such as https://api.dooray.com"),
  };
}

/** A channel's Dooray scope needs the environment's token secret, which doorayApi brings. */
function checkScopesHaveToken(environment: EnvironmentConfig, at: string): void {
  if (environment.doorayApi) return;
  const scoped = Object.entries(environment.channels).find(([, profile]) => profile.dooray);
  if (!scoped) return;
  const [channelId, profile] = scoped;
  const what = profile.dooray!.taskProject !== undefined ? "creates tasks" : "reads Dooray";
  throw new StackConfigError(
    `${at}.channels.${channelId}.dooray: this channel ${what}, which needs the bot account's API token: set ${at}.doorayApi ({} for ${DEFAULT_DOORAY_REST_URL}) to create its secret, then npm run secret -- put ${environment.name} dooray-api-token`,
  );
}

/**
 * Every channel with a profile must be able to answer at all: its budgets (its own, else the environment's) must
 * hold its system prompt and one answer, which is what the smallest question reserves. Otherwise every question of
 * the day would be refused, which synth says now rather than a person later.
 */
function checkProfilesFit(environment: EnvironmentConfig, at: string): void {
  for (const [channelId, profile] of Object.entries(environment.channels)) {
    const systemPrompt = profile.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    const needed = reservationFor([systemPrompt, ""], environment.maxOutputTokens);
    const budgets = [
      ["userDailyTokens", profile.budgets?.userDailyTokens, environment.budgets.userDailyTokens],
      ["channelDailyTokens", profile.budgets?.channelDailyTokens, environment.budgets.channelDailyTokens],
    ] as const;
    for (const [key, own, inherited] of budgets) {
      const limit = own ?? inherited;
      if (limit === 0 || limit >= needed) continue;
      const where = own !== undefined ? `${at}.channels.${channelId}.budgets.${key}` : `${at}.budgets.${key}`;
      throw new StackConfigError(
        `${where}: ${limit} cannot hold one answer in channel ${channelId}: its system prompt (up to ${promptTokenBound([systemPrompt])} tokens) and maxOutputTokens (${environment.maxOutputTokens}) need ${needed} before any question; use 0 for unlimited or more than ${needed}`,
      );
    }
  }
}

function channels(raw: unknown, at: string, maxOutputTokens: number): ChannelProfiles {
  if (raw === undefined) return {};
  let profiles: ChannelProfiles;
  try {
    profiles = parseChannelProfiles(raw, MAX_DAILY_TOKENS);
  } catch (error) {
    throw new StackConfigError(`${at}: ${(error as Error).message}`);
  }
  for (const [channelId, profile] of Object.entries(profiles)) {
    for (const [key, value] of Object.entries(profile.budgets ?? {})) {
      if (value > 0 && value < maxOutputTokens * 2) {
        throw new StackConfigError(
          `${at}.${channelId}.budgets.${key}: ${value} holds less than two answers of maxOutputTokens (${maxOutputTokens}); use 0 for unlimited or at least ${maxOutputTokens * 2}`,
        );
      }
    }
  }
  return profiles;
}

function budgets(raw: unknown, at: string, maxOutputTokens: number): BudgetSettings {
  const settings = sizingObject(raw, at, ["userDailyTokens", "channelDailyTokens", "totalDailyTokens", "timeZone"]);
  const daily = (key: string) => {
    const value = int(settings, at, key, 0, 0, MAX_DAILY_TOKENS);
    // A question reserves its prompt plus maxOutputTokens: a smaller budget could never answer anything.
    if (value > 0 && value < maxOutputTokens * 2) {
      throw new StackConfigError(
        `${at}.${key}: ${value} holds less than two answers of maxOutputTokens (${maxOutputTokens}); use 0 for unlimited or at least ${maxOutputTokens * 2}`,
      );
    }
    return value;
  };
  const timeZone = str(settings, at, "timeZone", DEFAULT_TIME_ZONE, /^[A-Za-z][\w+/-]*$/, "an IANA time zone such as Asia/Seoul or UTC");
  if (!isKnownTimeZone(timeZone))
    throw new StackConfigError(`${at}.timeZone: "${timeZone}" is not a time zone Node.js knows (IANA names, such as Asia/Seoul or UTC)`);
  return {
    userDailyTokens: daily("userDailyTokens"),
    channelDailyTokens: daily("channelDailyTokens"),
    totalDailyTokens: daily("totalDailyTokens"),
    timeZone,
    utcOffsetMinutes: fixedOffsetMinutes(timeZone, new Date().getUTCFullYear()),
  };
}

function modelPrice(raw: unknown, at: string): EnvironmentConfig["modelPrice"] {
  const settings = sizingObject(raw, at, ["inputPerMillionTokens", "outputPerMillionTokens", "cachedInputPerMillionTokens"]);
  const price = (key: string, fallback: number) => {
    const value = settings[key] ?? fallback;
    if (typeof value !== "number" || !(value >= 0 && value <= 10_000))
      throw new StackConfigError(`${at}.${key}: expected US dollars from 0 to 10000, got ${JSON.stringify(value)}`);
    return value;
  };
  const input = price("inputPerMillionTokens", DEFAULT_PRICES.input);
  // Another model's input price without its cached price: cached tokens are priced as input (never under).
  const cachedFallback = settings.inputPerMillionTokens === undefined ? DEFAULT_PRICES.cachedInput : input;
  return {
    inputPerMillionTokens: input,
    outputPerMillionTokens: price("outputPerMillionTokens", DEFAULT_PRICES.output),
    cachedInputPerMillionTokens: price("cachedInputPerMillionTokens", cachedFallback),
  };
}

function tableSettings(raw: unknown, at: string): TableSettings {
  const settings = sizingObject(raw, at, ["pointInTimeRecovery", "deletionProtection"]);
  return { pointInTimeRecovery: bool(settings, at, "pointInTimeRecovery", false), deletionProtection: bool(settings, at, "deletionProtection", false) };
}

function alarms(raw: unknown, at: string): AlarmSettings {
  const settings = sizingObject(raw, at, ["emails", "budgetRefusalsPer5Minutes"]);
  return {
    emails: strList(settings, at, "emails", [], /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "e-mail addresses"),
    budgetRefusalsPer5Minutes: int(settings, at, "budgetRefusalsPer5Minutes", 20, 1, 100_000),
  };
}

function bool(raw: Obj, at: string, key: string, fallback: boolean): boolean {
  const value = raw[key] ?? fallback;
  if (typeof value !== "boolean") throw new StackConfigError(`${at}.${key}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** The edge answers in well under a second; its timeout only bounds telling the person about a failed job. */
function edgeSizing(raw: unknown, at: string): FunctionSizing {
  const settings = sizingObject(raw, at, ["memoryMb", "timeoutSeconds", "reservedConcurrency"]);
  return {
    memoryMb: int(settings, at, "memoryMb", 256, 128, 3008),
    timeoutSeconds: int(settings, at, "timeoutSeconds", 30, 5, 60),
    reservedConcurrency: int(settings, at, "reservedConcurrency", 10, 1, 1000),
  };
}

function workerSizing(raw: unknown, at: string): WorkerSizing {
  const settings = sizingObject(raw, at, ["memoryMb", "timeoutSeconds", "reservedConcurrency", "maxEventAgeSeconds"]);
  return {
    memoryMb: int(settings, at, "memoryMb", 256, 128, 10240),
    timeoutSeconds: int(settings, at, "timeoutSeconds", 120, 30, 900),
    reservedConcurrency: int(settings, at, "reservedConcurrency", 5, 1, 1000),
    // Lambda's own bounds for an asynchronous event's age.
    maxEventAgeSeconds: int(settings, at, "maxEventAgeSeconds", 300, 60, 21600),
  };
}

function sizingObject(raw: unknown, at: string, allowed: readonly string[]): Obj {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new StackConfigError(`${at}: expected an object with ${allowed.join(", ")}`);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new StackConfigError(`${at}.${key}: unknown setting; allowed: ${allowed.join(", ")}`);
  }
  return raw;
}

function backend(raw: unknown, at: string, environment: string): S3BackendConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new StackConfigError(`${at}: expected {"bucket", "region", "key"?, "lock"?, "dynamodbTable"?}`);
  const lock = str(raw, at, "lock", "s3", /^(s3|dynamodb)$/, '"s3" or "dynamodb"') as "s3" | "dynamodb";
  const dynamodbTable = optionalStr(raw, at, "dynamodbTable", /^[\w.-]{3,255}$/, "a DynamoDB table name");
  if (lock === "dynamodb" && !dynamodbTable) throw new StackConfigError(`${at}.dynamodbTable: required when lock is "dynamodb"`);
  return {
    bucket: str(raw, at, "bucket", undefined, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
    key: str(raw, at, "key", `dooray-gpt/${environment}/terraform.tfstate`, /^\S+$/, "an object key"),
    region: str(raw, at, "region", undefined, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region"),
    lock,
    dynamodbTable,
  };
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);

function int(raw: Obj, at: string, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new StackConfigError(`${at}.${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function str(raw: Obj, at: string, key: string, fallback: string | undefined, pattern: RegExp, allowed: string): string {
  const value = raw[key] ?? fallback;
  if (value === undefined) throw new StackConfigError(`${at}.${key}: required (${allowed})`);
  if (typeof value !== "string" || !pattern.test(value)) throw new StackConfigError(`${at}.${key}: expected ${allowed}, got ${JSON.stringify(value)}`);
  return value;
}

function optionalStr(raw: Obj, at: string, key: string, pattern: RegExp, allowed: string): string | undefined {
  return raw[key] === undefined ? undefined : str(raw, at, key, undefined, pattern, allowed);
}

function strList(raw: Obj, at: string, key: string, fallback: readonly string[], pattern: RegExp, allowed: string): string[] {
  const value = raw[key] ?? fallback;
  if (!Array.isArray(value)) throw new StackConfigError(`${at}.${key}: expected a list of ${allowed}, got ${JSON.stringify(value)}`);
  const bad = value.find((item) => typeof item !== "string" || !pattern.test(item));
  if (bad !== undefined) throw new StackConfigError(`${at}.${key}: ${JSON.stringify(bad)} is not valid here; expected a list of ${allowed}`);
  return value as string[];
}

function tags(raw: Obj, at: string): Record<string, string> {
  const value = raw.tags ?? {};
  if (!isObject(value) || Object.values(value).some((tag) => typeof tag !== "string")) {
    throw new StackConfigError(`${at}.tags: expected an object of string values, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, string>;
}
