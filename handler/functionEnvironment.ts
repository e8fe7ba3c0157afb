/**
 * Every variable the functions read, named once (docs/configuration.md, "The functions' variables"): handler/config.ts
 * and model/modelRouting.ts read them by these names, and the stack writes them with functionEnvironment, so a
 * setting cannot be written under one name and read under another.
 */
export enum VARIABLES {
  allowInsecureResponseUrl = "ALLOW_INSECURE_RESPONSE_URL",
  environmentName = "BOT_ENVIRONMENT",
  maxOutputTokens = "BOT_MAX_OUTPUT_TOKENS",
  maxQuestionChars = "BOT_MAX_QUESTION_CHARS",
  model = "BOT_MODEL",
  systemPrompt = "BOT_SYSTEM_PROMPT",
  tableName = "BOT_TABLE",
  channelDailyTokens = "BUDGET_CHANNEL_DAILY_TOKENS",
  budgetTimeZone = "BUDGET_TIME_ZONE",
  totalDailyTokens = "BUDGET_TOTAL_DAILY_TOKENS",
  userDailyTokens = "BUDGET_USER_DAILY_TOKENS",
  budgetUtcOffsetMinutes = "BUDGET_UTC_OFFSET_MINUTES",
  channelProfiles = "CHANNEL_PROFILES",
  conversationContextTokens = "CONVERSATION_CONTEXT_TOKENS",
  doorayApiBaseUrl = "DOORAY_API_BASE_URL",
  localDoorayApiToken = "DOORAY_API_TOKEN",
  doorayApiTokenSecretId = "DOORAY_API_TOKEN_SECRET_ID",
  doorayRestUrl = "DOORAY_API_URL",
  localAppToken = "DOORAY_APP_TOKEN",
  localPreviousAppToken = "DOORAY_APP_TOKEN_PREVIOUS",
  appTokenSecretId = "DOORAY_APP_TOKEN_SECRET_ID",
  tenantIds = "DOORAY_TENANT_IDS",
  failedJobMaxAgeSeconds = "FAILED_JOB_MAX_AGE_SECONDS",
  jobMaxAgeSeconds = "JOB_MAX_AGE_SECONDS",
  linkHosts = "LINK_HOSTS",
  logPrompts = "LOG_PROMPTS",
  messageMaxChars = "MESSAGE_MAX_CHARS",
  modelMaxRetries = "MODEL_MAX_RETRIES",
  modelMaxTokensField = "MODEL_MAX_TOKENS_FIELD",
  priceCachedInput = "MODEL_PRICE_CACHED_INPUT_PER_MTOK",
  priceInput = "MODEL_PRICE_INPUT_PER_MTOK",
  priceOutput = "MODEL_PRICE_OUTPUT_PER_MTOK",
  modelStreamUsage = "MODEL_STREAM_USAGE",
  modelTimeoutMs = "MODEL_TIMEOUT_MS",
  localOpenaiApiKey = "OPENAI_API_KEY",
  openaiApiKeySecretId = "OPENAI_API_KEY_SECRET_ID",
  openaiBaseUrl = "OPENAI_BASE_URL",
  personalData = "PERSONAL_DATA",
  progressIntervalMs = "PROGRESS_INTERVAL_MS",
  responseUrlHosts = "RESPONSE_URL_HOSTS",
  workerFunctionName = "WORKER_FUNCTION_NAME",
  modelEndpoints = "MODEL_ENDPOINTS",
  modelResidency = "MODEL_RESIDENCY",
}

export type Variable = keyof typeof VARIABLES;

/** A variable's value as the stack has it: text, a number, a flag, a list (written comma-separated) or JSON. */
export type VariableValue = string | number | boolean | readonly string[] | Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[];

/**
 * The function environment for these values, each under its variable's name; a value left out (undefined) is not
 * written, so the reader's default applies. A flag is written 1 or 0, a list of texts comma-separated, an object or a
 * list of objects as JSON (a changed profile then shows in the plan as a diff of that JSON).
 */
export function functionEnvironment(values: Partial<Record<Variable, VariableValue | undefined>>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(values) as [Variable, VariableValue | undefined][]) {
    if (value === undefined) continue;
    environment[VARIABLES[key]] =
      typeof value === "string"
        ? value
        : typeof value === "number"
          ? String(value)
          : typeof value === "boolean"
            ? value
              ? "1"
              : "0"
            : isTextList(value)
              ? value.join(",")
              : JSON.stringify(value);
  }
  return environment;
}

const isTextList = (value: VariableValue): value is readonly string[] => Array.isArray(value) && value.every((item) => typeof item === "string");
