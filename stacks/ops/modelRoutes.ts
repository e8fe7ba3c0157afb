import { parseChannelProfiles } from "../../handler/channelProfiles.js";
import { MAX_DAILY_TOKENS } from "../../handler/config.js";
import { hostOf, parseModelEndpoints, routeFor, unlistedEndpoint, type ModelEndpoint, type Residency } from "../../handler/model/endpoints.js";

/** Where one channel's questions go, as the worker will route them: its endpoints in order. */
export interface ModelRoute {
  /** Undefined: every channel without a profile. */
  readonly channelId: string | undefined;
  readonly name: string | undefined;
  readonly residency: Residency | undefined;
  readonly endpoints: readonly {
    readonly name: string;
    readonly host: string;
    readonly model: string;
    readonly residency: Residency;
    readonly auth: string;
    readonly keySecret: string | undefined;
    readonly isDefault: boolean;
  }[];
}

/**
 * Every route the worker's settings make (MODEL_ENDPOINTS, MODEL_RESIDENCY, CHANNEL_PROFILES, or the one endpoint
 * of OPENAI_BASE_URL and BOT_MODEL), computed by the worker's own routeFor. Undefined when the plan holds no worker,
 * or its settings cannot be read (a value known only after apply): the summary then says nothing rather than guess.
 */
export function modelRoutesOf(worker: Record<string, string> | undefined): ModelRoute[] | undefined {
  if (!worker?.BOT_MODEL) return undefined;
  try {
    const listed = worker.MODEL_ENDPOINTS
      ? parseModelEndpoints(JSON.parse(worker.MODEL_ENDPOINTS), { inlineKeys: false, at: "MODEL_ENDPOINTS", strictResidency: false })
      : [];
    const profiles = parseChannelProfiles(JSON.parse(worker.CHANNEL_PROFILES ?? "{}"), MAX_DAILY_TOKENS);
    const defaultResidency = worker.MODEL_RESIDENCY === "kr" || worker.MODEL_RESIDENCY === "global" ? worker.MODEL_RESIDENCY : undefined;
    const describe = (endpoint: ModelEndpoint) => ({
      name: endpoint.name,
      host: hostOf(endpoint),
      model: endpoint.model,
      residency: endpoint.residency,
      auth: endpoint.auth,
      keySecret: endpoint.unlisted ? worker.OPENAI_API_KEY_SECRET_ID : endpoint.apiKeySecretId,
      isDefault: endpoint.unlisted === true && !endpoint.baseUrl,
    });
    const routeOf = (channelId: string | undefined): ModelRoute => {
      const profile = channelId ? profiles[channelId] : undefined;
      const route = routeFor(listed, unlistedEndpoint(worker.OPENAI_BASE_URL, profile?.model ?? worker.BOT_MODEL!), profile, defaultResidency);
      return { channelId, name: profile?.name, residency: route.residency, endpoints: route.endpoints.map(describe) };
    };
    return [routeOf(undefined), ...Object.keys(profiles).map(routeOf)];
  } catch {
    return undefined;
  }
}

/** The summary's lines: one per route, each endpoint in order, ⚠ on every one that may process questions outside Korea. */
export function formatModelRoutes(routes: readonly ModelRoute[]): string[] {
  const lines = ["", "Where questions go (each route in order; the next endpoint only when one fails before its first word)"];
  for (const route of routes) {
    const who = route.channelId ? `channel ${route.channelId}${route.name ? ` (${route.name})` : ""}` : "by default";
    const kept = route.residency === "kr" ? ", kept in Korea" : "";
    const endpoints = route.endpoints.map((endpoint, index) => {
      const where =
        endpoint.residency === "kr"
          ? "in Korea (kr)"
          : endpoint.isDefault
            ? "the openai SDK's default: OpenAI's public API, outside Korea"
            : "may process outside Korea (global)";
      const auth = endpoint.auth === "aws" ? "the worker's own role (SigV4)" : endpoint.keySecret ? `key in secret ${endpoint.keySecret}` : "a key";
      return `${route.endpoints.length > 1 ? `${index + 1}. ` : ""}${endpoint.residency === "kr" ? "" : "⚠ "}${endpoint.host} (${where}), model ${endpoint.model}, ${auth}`;
    });
    lines.push(`  - ${who}${kept}: ${endpoints.length > 0 ? endpoints.join(" → ") : "⚠ no endpoint: every question is refused"}`);
  }
  if (routes.every((route) => route.endpoints.every((endpoint) => endpoint.isDefault)))
    lines.push('  - set modelEndpoints for endpoints in Korea, or openaiBaseUrl for another one (docs/operations.md, "Model endpoints")');
  return lines;
}
