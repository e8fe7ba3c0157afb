/**
 * Deployment settings, one entry per environment, from the `environments` object in cdktf.json's `context`
 * (README "Deploy"). Each environment becomes its own stack, `dooray-gpt-<name>`. Everything is validated before
 * synth writes anything; an invalid value stops synth with a message naming the setting and what is allowed.
 */
export interface EnvironmentConfig {
  /** Used in every resource name: dooray-gpt-<name>-…; lower-case letters, digits, dashes. */
  readonly name: string;
  readonly region: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Cost ceiling: at most this many instances run at once (edge and worker together). */
  readonly reservedConcurrency: number;
  readonly logRetentionDays: number;
  readonly model: string;
  readonly openaiBaseUrl: string | undefined;
  readonly maxOutputTokens: number;
  readonly responseUrlHosts: readonly string[];
  readonly tenantIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: S3BackendConfig | undefined;
}

export interface S3BackendConfig {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** "s3": S3-native lock file (Terraform ≥ 1.10); "dynamodb": a lock table (dynamodbTable required). */
  readonly lock: "s3" | "dynamodb";
  readonly dynamodbTable: string | undefined;
}

export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const DEFAULTS = {
  region: "ap-northeast-2",
  memoryMb: 256,
  timeoutSeconds: 120,
  reservedConcurrency: 10,
  logRetentionDays: 30,
  model: "gpt-4.1-mini",
  maxOutputTokens: 2000,
  responseUrlHosts: ["*.dooray.com"],
} as const;

const KNOWN_KEYS = new Set([
  "region", "memoryMb", "timeoutSeconds", "reservedConcurrency", "logRetentionDays", "model", "openaiBaseUrl",
  "maxOutputTokens", "responseUrlHosts", "tenantIds", "tags", "backend",
]);

export function parseEnvironments(raw: unknown): EnvironmentConfig[] {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    throw new StackConfigError('environments: expected an object with at least one environment, e.g. {"dev": {}}');
  }
  return Object.entries(raw).map(([name, settings]) => parseEnvironment(name, settings));
}

function parseEnvironment(name: string, raw: unknown): EnvironmentConfig {
  const at = `environments.${name}`;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
    throw new StackConfigError(`${at}: an environment name is 1-20 lower-case letters, digits or dashes, starting with a letter`);
  }
  if (!isObject(raw)) throw new StackConfigError(`${at}: expected an object of settings`);
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new StackConfigError(`${at}.${key}: unknown setting; allowed: ${[...KNOWN_KEYS].join(", ")}`);
  }
  const timeoutSeconds = int(raw, at, "timeoutSeconds", DEFAULTS.timeoutSeconds, 30, 900);
  const logRetentionDays = int(raw, at, "logRetentionDays", DEFAULTS.logRetentionDays, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new StackConfigError(`${at}.logRetentionDays: CloudWatch allows ${LOG_RETENTION_DAYS.join(", ")}; got ${logRetentionDays}`);
  }
  return {
    name,
    region: str(raw, at, "region", DEFAULTS.region, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as ap-northeast-2"),
    memoryMb: int(raw, at, "memoryMb", DEFAULTS.memoryMb, 128, 10240),
    timeoutSeconds,
    reservedConcurrency: int(raw, at, "reservedConcurrency", DEFAULTS.reservedConcurrency, 1, 1000),
    logRetentionDays,
    model: str(raw, at, "model", DEFAULTS.model, /^\S{1,100}$/, "a model name without spaces"),
    openaiBaseUrl: optionalStr(raw, at, "openaiBaseUrl", /^https:\/\/\S+$/, "an https URL"),
    maxOutputTokens: int(raw, at, "maxOutputTokens", DEFAULTS.maxOutputTokens, 16, 100_000),
    responseUrlHosts: strList(raw, at, "responseUrlHosts", DEFAULTS.responseUrlHosts, /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, "hostnames or *.domain patterns"),
    tenantIds: strList(raw, at, "tenantIds", [], /^\d{1,30}$/, "Dooray tenant ids (digits)"),
    tags: tags(raw, at),
    backend: backend(raw.backend, `${at}.backend`, name),
  };
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
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || !pattern.test(item))) {
    throw new StackConfigError(`${at}.${key}: expected a list of ${allowed}, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

function tags(raw: Obj, at: string): Record<string, string> {
  const value = raw.tags ?? {};
  if (!isObject(value) || Object.values(value).some((tag) => typeof tag !== "string")) {
    throw new StackConfigError(`${at}.tags: expected an object of string values, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, string>;
}
