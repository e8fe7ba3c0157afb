import { ENDPOINT_NAME, RESIDENCIES, type Residency } from "./model/residency.js";

/**
 * Per-channel profiles (docs/architecture.md, "Channel profiles"): a channel can have its own name, system prompt,
 * model, daily budgets and Dooray scope. One JSON object keyed by channel id, from CHANNEL_PROFILES (the stack
 * writes it from the settings' `channels`, so a changed profile shows in the plan as a JSON diff).
 */
export interface ChannelProfile {
  /** Shown in `/gpt help` in that channel. */
  readonly name: string;
  readonly systemPrompt?: string;
  readonly model?: string;
  readonly budgets?: { readonly userDailyTokens?: number; readonly channelDailyTokens?: number };
  /** The profile's model's list price, US dollars per million tokens (for the cost metric and the spend ceiling). */
  readonly modelPrice?: { readonly inputPerMillionTokens: number; readonly outputPerMillionTokens: number };
  /** What the bot may read in Dooray for this channel, and where it may create tasks; none: no tools at all. */
  readonly dooray?: DoorayScope;
  /** What the personal-data guard does here (docs/privacy.md, "Personal data"); the environment's when absent. */
  readonly personalData?: PersonalDataMode;
  /** The model endpoints this channel uses, by name, in order (docs/operations.md, "Model endpoints"); all when absent. */
  readonly endpoints?: readonly string[];
  /** `kr`: this channel's questions go to endpoints in Korea only, failover included; the environment's when absent. */
  readonly residency?: Residency;
}

/** mask: placeholders before the model sees them; block: a question holding any is refused; allow: nothing done. */
export type PersonalDataMode = "mask" | "block" | "allow";
export const PERSONAL_DATA_MODES: readonly PersonalDataMode[] = ["mask", "block", "allow"];

/**
 * A channel's Dooray scope, set by the admin (docs/operations.md, "Dooray tools"). Ids are strings end to end:
 * Dooray's are 19 digits, more than a JSON number holds exactly.
 */
export interface DoorayScope {
  /** Projects whose tasks the model may search and read. */
  readonly projects: readonly string[];
  /** Wikis whose pages the model may list and read. */
  readonly wikis: readonly string[];
  /** The project where 할 일로 만들기 creates tasks, after the person confirms. */
  readonly taskProject?: string;
}

/** Most projects or wikis one channel may name: each search reads every scoped project once. */
export const MAX_SCOPED_IDS = 10;

export type ChannelProfiles = Readonly<Record<string, ChannelProfile>>;

const PROFILE_KEYS = ["name", "systemPrompt", "model", "budgets", "modelPrice", "dooray", "personalData", "endpoints", "residency"];
const SCOPE_KEYS = ["projects", "wikis", "taskProject"];
const PRICE_KEYS = ["inputPerMillionTokens", "outputPerMillionTokens"];
const BUDGET_KEYS = ["userDailyTokens", "channelDailyTokens"];

/** Validates profiles; a problem throws an Error whose message names the channel and the field. */
export function parseChannelProfiles(raw: unknown, maxDailyTokens: number): ChannelProfiles {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error('expected an object keyed by channel id, e.g. {"1234": {"name": "코드 리뷰"}}');
  const profiles: Record<string, ChannelProfile> = Object.create(null) as Record<string, ChannelProfile>;
  for (const [channelId, value] of Object.entries(raw)) {
    const at = `channel ${channelId}`;
    // Digits only: Dooray's ids are, and no other key (`__proto__`, say) can slip through as a channel.
    if (!/^\d{1,30}$/.test(channelId)) throw new Error(`${at}: a Dooray channel id is digits, e.g. "1234567891234567891"`);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${at}: expected an object with ${PROFILE_KEYS.join(", ")}`);
    const fields = value as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !PROFILE_KEYS.includes(key));
    if (unknown) throw new Error(`${at}.${unknown}: unknown setting; allowed: ${PROFILE_KEYS.join(", ")}`);
    const text = (key: string, max: number, required: boolean) => {
      const field = fields[key];
      if (field === undefined && !required) return undefined;
      if (typeof field !== "string" || field.trim() === "" || field.length > max) throw new Error(`${at}.${key}: expected text of 1 to ${max} characters`);
      return field;
    };
    const profile: { -readonly [K in keyof ChannelProfile]: ChannelProfile[K] } = { name: text("name", 40, true)! };
    const systemPrompt = text("systemPrompt", 2_000, false);
    if (systemPrompt !== undefined) profile.systemPrompt = systemPrompt;
    const model = text("model", 100, false);
    if (model !== undefined) {
      if (/\s/.test(model)) throw new Error(`${at}.model: a model name has no spaces`);
      profile.model = model;
    }
    if (fields.budgets !== undefined) profile.budgets = budgets(fields.budgets, `${at}.budgets`, maxDailyTokens);
    if (fields.modelPrice !== undefined) profile.modelPrice = modelPrice(fields.modelPrice, `${at}.modelPrice`);
    if (fields.dooray !== undefined) profile.dooray = doorayScope(fields.dooray, `${at}.dooray`);
    if (fields.personalData !== undefined) {
      if (!PERSONAL_DATA_MODES.includes(fields.personalData as PersonalDataMode))
        throw new Error(`${at}.personalData: expected one of ${PERSONAL_DATA_MODES.join(", ")}`);
      profile.personalData = fields.personalData as PersonalDataMode;
    }
    if (fields.endpoints !== undefined) {
      const names = fields.endpoints;
      if (
        !Array.isArray(names) ||
        names.length === 0 ||
        names.some((name) => typeof name !== "string" || !ENDPOINT_NAME.test(name)) ||
        new Set(names).size !== names.length
      )
        throw new Error(`${at}.endpoints: expected a list of endpoint names, each once, e.g. ["bedrock-seoul", "openai"]`);
      profile.endpoints = names as string[];
    }
    if (fields.residency !== undefined) {
      if (!RESIDENCIES.includes(fields.residency as Residency))
        throw new Error(`${at}.residency: expected "kr" (questions processed in Korea only) or "global"`);
      profile.residency = fields.residency as Residency;
    }
    profiles[channelId] = profile;
  }
  return profiles;
}

function budgets(raw: unknown, at: string, maxDailyTokens: number): NonNullable<ChannelProfile["budgets"]> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${at}: expected an object with ${BUDGET_KEYS.join(", ")}`);
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!BUDGET_KEYS.includes(key)) throw new Error(`${at}.${key}: unknown setting; allowed: ${BUDGET_KEYS.join(", ")}`);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > maxDailyTokens)
      throw new Error(`${at}.${key}: expected a whole number from 0 to ${maxDailyTokens}`);
    result[key] = value;
  }
  return result;
}

function modelPrice(raw: unknown, at: string): NonNullable<ChannelProfile["modelPrice"]> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${at}: expected an object with ${PRICE_KEYS.join(", ")}`);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !PRICE_KEYS.includes(key));
  if (unknown) throw new Error(`${at}.${unknown}: unknown setting; allowed: ${PRICE_KEYS.join(", ")}`);
  const price = (key: string) => {
    const value = fields[key];
    if (typeof value !== "number" || !(value >= 0 && value <= 10_000)) throw new Error(`${at}.${key}: expected US dollars per million tokens from 0 to 10000`);
    return value;
  };
  return { inputPerMillionTokens: price("inputPerMillionTokens"), outputPerMillionTokens: price("outputPerMillionTokens") };
}

function doorayScope(raw: unknown, at: string): DoorayScope {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${at}: expected an object with ${SCOPE_KEYS.join(", ")}`);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !SCOPE_KEYS.includes(key));
  if (unknown) throw new Error(`${at}.${unknown}: unknown setting; allowed: ${SCOPE_KEYS.join(", ")}`);
  const isId = (value: unknown) => typeof value === "string" && /^\d{1,30}$/.test(value);
  const ids = (key: string) => {
    const value = fields[key] ?? [];
    if (!Array.isArray(value) || value.length > MAX_SCOPED_IDS) throw new Error(`${at}.${key}: expected a list of up to ${MAX_SCOPED_IDS} ids`);
    const bad = value.find((id) => !isId(id));
    if (bad !== undefined)
      throw new Error(
        `${at}.${key}: ${JSON.stringify(bad)} is not a Dooray id; write ids as strings of digits, e.g. "3570526358279081523" (a JSON number loses digits)`,
      );
    return [...new Set(value as string[])];
  };
  const scope: { -readonly [K in keyof DoorayScope]: DoorayScope[K] } = { projects: ids("projects"), wikis: ids("wikis") };
  if (fields.taskProject !== undefined) {
    if (!isId(fields.taskProject))
      throw new Error(`${at}.taskProject: ${JSON.stringify(fields.taskProject)} is not a Dooray project id; write it as a string of digits`);
    scope.taskProject = fields.taskProject as string;
  }
  if (scope.projects.length === 0 && scope.wikis.length === 0 && scope.taskProject === undefined)
    throw new Error(`${at}: names no project, wiki or taskProject; leave it out instead`);
  return scope;
}

/** What one channel's questions are answered with: its profile where it says so, the bot's settings elsewhere. */
export interface ChannelSettings {
  readonly profileName: string | undefined;
  readonly systemPrompt: string;
  readonly model: string;
  readonly budgets: { readonly user: number; readonly channel: number; readonly total?: number };
  readonly price: { readonly input: number; readonly output: number; readonly cachedInput?: number };
  /** The channel's Dooray scope; undefined: the model gets no tools. */
  readonly dooray: DoorayScope | undefined;
  readonly personalData: PersonalDataMode;
}

export function channelSettings(
  config: {
    readonly channelProfiles: ChannelProfiles;
    readonly systemPrompt: string;
    readonly model: string;
    readonly budgets: { readonly user: number; readonly channel: number; readonly total?: number };
    readonly pricePerMillionTokens: { readonly input: number; readonly output: number; readonly cachedInput?: number };
    readonly personalData?: PersonalDataMode;
  },
  channelId: string,
): ChannelSettings {
  const profile = Object.hasOwn(config.channelProfiles, channelId) ? config.channelProfiles[channelId] : undefined;
  return {
    profileName: profile?.name,
    systemPrompt: profile?.systemPrompt ?? config.systemPrompt,
    model: profile?.model ?? config.model,
    budgets: {
      user: profile?.budgets?.userDailyTokens ?? config.budgets.user,
      channel: profile?.budgets?.channelDailyTokens ?? config.budgets.channel,
      // The bot's own: no channel changes it.
      ...(config.budgets.total ? { total: config.budgets.total } : {}),
    },
    price: profile?.modelPrice
      ? { input: profile.modelPrice.inputPerMillionTokens, output: profile.modelPrice.outputPerMillionTokens }
      : config.pricePerMillionTokens,
    dooray: profile?.dooray,
    personalData: profile?.personalData ?? config.personalData ?? "mask",
  };
}
