import { parseChannelProfiles } from "../handler/channelProfiles.js";
import { DEFAULT_PRICES, MAX_DAILY_TOKENS } from "../handler/config.js";
import { isLoopback, LOOPBACK_REFUSED, parseModelEndpoints } from "../handler/model/endpoints.js";
import type { EnvironmentConfig, S3BackendConfig } from "./environmentConfig.js";
import { fixedOffsetMinutes } from "../handler/store/budgetDay.js";
import { checkEnvironment } from "./settingsChecks.js";
import { environmentSchema, settingError, type EnvironmentSettings } from "./settingsSchema.js";
import { StackConfigError } from "./stackConfigError.js";

export { StackConfigError };
export { LOG_RETENTION_DAYS } from "./settingsSchema.js";
export type { AlarmSettings, BudgetSettings, EnvironmentConfig, FunctionSizing, S3BackendConfig, TableSettings, WorkerSizing } from "./environmentConfig.js";

/** Settings that name a function's size without saying which function: where each one goes. */
const MOVED_KEYS: Record<string, string> = {
  memoryMb: "edge.memoryMb and worker.memoryMb",
  timeoutSeconds: "edge.timeoutSeconds and worker.timeoutSeconds",
  reservedConcurrency: "edge.reservedConcurrency and worker.reservedConcurrency",
};

/** Every environment, validated before synth writes anything; an invalid value stops it with a line naming the setting. */
export function parseEnvironments(raw: unknown): EnvironmentConfig[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new StackConfigError('environments: expected an object with at least one environment, e.g. {"dev": {}}');
  }
  return Object.entries(raw).map(([name, settings]) => {
    const at = `environments.${name}`;
    const environment = parseEnvironment(name, settings, at);
    checkEnvironment(environment, at);
    return environment;
  });
}

function parseEnvironment(name: string, raw: unknown, at: string): EnvironmentConfig {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name))
    throw new StackConfigError(`${at}: an environment name is 1-20 lower-case letters, digits or dashes, starting with a letter`);
  const moved = typeof raw === "object" && raw !== null ? Object.keys(raw).find((key) => MOVED_KEYS[key]) : undefined;
  if (moved) throw new StackConfigError(`${at}.${moved}: the edge and the worker are sized apart; set ${MOVED_KEYS[moved]}`);
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) throw new StackConfigError(settingError(parsed.error, at));
  const settings = parsed.data;
  if (settings.openaiBaseUrl !== undefined && isLoopback(settings.openaiBaseUrl)) throw new StackConfigError(`${at}.openaiBaseUrl: ${LOOPBACK_REFUSED}`);
  const { inputPerMillionTokens, outputPerMillionTokens, cachedInputPerMillionTokens } = settings.modelPrice;
  const input = inputPerMillionTokens ?? DEFAULT_PRICES.input;
  return {
    ...settings,
    name,
    backend: backendOf(settings.backend, name, at),
    budgets: { ...settings.budgets, utcOffsetMinutes: fixedOffsetMinutes(settings.budgets.timeZone, new Date().getUTCFullYear()) },
    modelPrice: {
      inputPerMillionTokens: input,
      outputPerMillionTokens: outputPerMillionTokens ?? DEFAULT_PRICES.output,
      // Another model's input price without its cached price: cached tokens are priced as input (never under).
      cachedInputPerMillionTokens: cachedInputPerMillionTokens ?? (inputPerMillionTokens === undefined ? DEFAULT_PRICES.cachedInput : input),
    },
    channels: handlerParsed(() => (settings.channels === undefined ? {} : parseChannelProfiles(settings.channels, MAX_DAILY_TOKENS)), `${at}.channels: `),
    modelEndpoints: handlerParsed(
      () =>
        settings.modelEndpoints === undefined
          ? []
          : parseModelEndpoints(settings.modelEndpoints, { inlineKeys: false, at: `${at}.modelEndpoints`, strictResidency: true }),
      "",
    ),
  };
}

/** A setting the handler's own parser reads (the same at synth and at run time), its refusal said as a setting's. */
function handlerParsed<T>(parse: () => T, prefix: string): T {
  try {
    return parse();
  } catch (error) {
    throw new StackConfigError(`${prefix}${(error as Error).message}`);
  }
}

function backendOf(backend: EnvironmentSettings["backend"], name: string, at: string): S3BackendConfig | undefined {
  if (!backend) return undefined;
  if (backend.lock === "dynamodb" && !backend.dynamodbTable) throw new StackConfigError(`${at}.backend.dynamodbTable: required when lock is "dynamodb"`);
  return { ...backend, key: backend.key ?? `dooray-gpt/${name}/terraform.tfstate`, dynamodbTable: backend.dynamodbTable };
}
