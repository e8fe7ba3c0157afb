import type { ChannelProfiles } from "../channelProfiles.js";
import { ConfigError, type BotConfig, type Env } from "../config.js";
import { parseModelEndpoints, RESIDENCIES, routeFor, unlistedEndpoint, type ModelEndpoint, type Residency, type Route } from "./endpoints.js";
import { VARIABLES } from "../functionEnvironment.js";

/** The worker's endpoint settings (MODEL_ENDPOINTS, MODEL_RESIDENCY), read apart from the rest: the edge never needs them. */
export function readModelRouting(env: Env): Required<Pick<BotConfig, "modelEndpoints">> & Pick<BotConfig, "modelResidency"> {
  let endpoints: ModelEndpoint[] = [];
  const listed = env.MODEL_ENDPOINTS?.trim();
  if (listed) {
    let raw: unknown;
    try {
      raw = JSON.parse(listed);
    } catch {
      throw new ConfigError(
        VARIABLES.modelEndpoints,
        'expected JSON: a list of endpoints, e.g. [{"name": "openai", "baseUrl": "https://api.openai.com/v1", "model": "gpt-4.1-mini", "residency": "global"}]',
      );
    }
    try {
      endpoints = parseModelEndpoints(raw, { inlineKeys: true, at: VARIABLES.modelEndpoints, strictResidency: false });
    } catch (error) {
      throw new ConfigError(VARIABLES.modelEndpoints, (error as Error).message.replace(/^MODEL_ENDPOINTS/, "").replace(/^: /, ""));
    }
  }
  const residency = env.MODEL_RESIDENCY?.trim() || undefined;
  if (residency !== undefined && !RESIDENCIES.includes(residency as Residency))
    throw new ConfigError(VARIABLES.modelResidency, `expected kr or global, got "${residency}"`);
  return { modelEndpoints: endpoints, modelResidency: residency as Residency | undefined };
}

/** One channel's route under the worker's settings: its profile's endpoints and residency, with its model for the unlisted default. */
export function channelRoute(
  config: {
    readonly channelProfiles: ChannelProfiles;
    readonly modelEndpoints?: readonly ModelEndpoint[] | undefined;
    readonly modelResidency?: Residency | undefined;
    readonly openaiBaseUrl: string | undefined;
  },
  channelId: string,
  model: string,
): Route {
  const profile = Object.hasOwn(config.channelProfiles, channelId) ? config.channelProfiles[channelId] : undefined;
  return routeFor(config.modelEndpoints ?? [], unlistedEndpoint(config.openaiBaseUrl, model), profile, config.modelResidency);
}
