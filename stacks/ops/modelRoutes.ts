import { hostOf, type ModelEndpoint, type Residency } from "../../handler/model/endpoints.js";
import { workerRouting } from "./workerRouting.js";

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

/** Every route the worker's settings make (workerRouting.ts): the default's, then each profiled channel's. */
export function modelRoutesOf(worker: Record<string, string> | undefined): ModelRoute[] | undefined {
  const routing = workerRouting(worker);
  if (!routing || !worker) return undefined;
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
    const route = routing.routeOf(channelId);
    return { channelId, name: channelId ? routing.profiles[channelId]?.name : undefined, residency: route.residency, endpoints: route.endpoints.map(describe) };
  };
  return [routeOf(undefined), ...Object.keys(routing.profiles).map(routeOf)];
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
