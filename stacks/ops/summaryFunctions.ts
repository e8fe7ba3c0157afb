import type { PlanJson } from "./offlineTerraform.js";
import { type After, type ReviewSummary } from "./summaryModel.js";
import { EXCHANGE_RATE_OUTPUT, type ExchangeRate } from "./spendCeilings.js";

/** What the functions' settings say, read from their environment in the plan: guard, scopes, tenants, budgets, rate. */
export function personalDataOf(functions: After[]): ReviewSummary["personalData"] {
  const worker = functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined);
  if (!worker) return [];
  const profiles = profilesOf(worker) as Record<string, { name: string; personalData?: string }>;
  return [
    { channel: undefined, mode: worker.PERSONAL_DATA ?? "mask" },
    ...Object.entries(profiles)
      .filter(([, profile]) => profile.personalData !== undefined)
      .map(([channelId, profile]) => ({ channel: `${channelId} (${profile.name})`, mode: profile.personalData! })),
  ];
}

export function doorayOf(functions: After[]): ReviewSummary["dooray"] {
  const worker = functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined) ?? {};
  const profiles = profilesOf(worker) as Record<string, { name: string; dooray?: { projects: string[]; wikis: string[]; taskProject?: string } }>;
  return {
    host: worker.DOORAY_API_URL,
    tokenSecret: worker.DOORAY_API_TOKEN_SECRET_ID,
    linkHosts: worker.LINK_HOSTS ? worker.LINK_HOSTS.split(",") : [],
    channels: Object.entries(profiles)
      .filter(([, profile]) => profile.dooray)
      .map(([channelId, profile]) => ({
        channelId,
        name: profile.name,
        projects: profile.dooray!.projects,
        wikis: profile.dooray!.wikis,
        taskProject: profile.dooray!.taskProject,
      })),
  };
}

/** The channel profiles the worker is told (CHANNEL_PROFILES), or none when the value is not known or not JSON. */
export function profilesOf(variables: Record<string, string>): Record<string, unknown> {
  try {
    const parsed = JSON.parse(variables.CHANNEL_PROFILES ?? "{}") as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The settings' exchange rate, from the plan's output (known at plan time); none when unset or unreadable. */
export function exchangeRateOf(plan: PlanJson): ExchangeRate | undefined {
  const value = (plan.planned_values as { outputs?: Record<string, { value?: unknown }> } | undefined)?.outputs?.[EXCHANGE_RATE_OUTPUT]?.value;
  try {
    const rate = JSON.parse(String(value)) as Partial<ExchangeRate>;
    return typeof rate.krwPerUsd === "number" && typeof rate.rateDate === "string" ? { krwPerUsd: rate.krwPerUsd, rateDate: rate.rateDate } : undefined;
  } catch {
    return undefined;
  }
}

export const variablesOf = (fn: After) => (fn.environment?.[0]?.variables ?? {}) as Record<string, string>;

export function tenantsOf(functions: After[]): string[] {
  const listed = functions.map(variablesOf).find((vars) => vars.DOORAY_TENANT_IDS !== undefined)?.DOORAY_TENANT_IDS;
  return listed ? listed.split(",") : [];
}
export function budgetsOf(functions: After[]): ReviewSummary["budgets"] {
  const variables = functions
    .map((fn) => (fn.environment?.[0]?.variables ?? {}) as Record<string, string>)
    .find((vars) => vars.BUDGET_USER_DAILY_TOKENS !== undefined);
  if (!variables) return undefined;
  const profiles = profilesOf(variables) as Record<
    string,
    { name: string; model?: string; budgets?: { userDailyTokens?: number; channelDailyTokens?: number } }
  >;
  return {
    userDailyTokens: Number(variables.BUDGET_USER_DAILY_TOKENS),
    channelDailyTokens: Number(variables.BUDGET_CHANNEL_DAILY_TOKENS),
    timeZone: String(variables.BUDGET_TIME_ZONE),
    channels: Object.entries(profiles)
      .filter(([, profile]) => profile.model !== undefined || profile.budgets !== undefined)
      .map(([channelId, profile]) => ({ channelId, name: profile.name, ...(profile.model ? { model: profile.model } : {}), ...profile.budgets })),
  };
}
