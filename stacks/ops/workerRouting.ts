import { parseChannelProfiles, type ChannelProfiles } from "../../handler/channelProfiles.js";
import { MAX_DAILY_TOKENS } from "../../handler/config.js";
import { parseModelEndpoints, routeFor, unlistedEndpoint, type Residency, type Route } from "../../handler/model/endpoints.js";

/** The worker's settings as a plan shows them, read into its channels and the route each channel's questions take. */
export interface WorkerRouting {
  readonly profiles: ChannelProfiles;
  /** The route of a channel (undefined: every channel without a profile), by the worker's own routeFor. */
  readonly routeOf: (channelId: string | undefined) => Route;
}

/**
 * Reads MODEL_ENDPOINTS, MODEL_RESIDENCY, CHANNEL_PROFILES, OPENAI_BASE_URL and BOT_MODEL with the parsers the worker
 * uses. Undefined when the plan holds no worker or its settings cannot be read (a value known only after apply):
 * the summary then says nothing rather than guess.
 */
export function workerRouting(worker: Record<string, string> | undefined): WorkerRouting | undefined {
  if (!worker?.BOT_MODEL) return undefined;
  const model = worker.BOT_MODEL;
  try {
    const listed = worker.MODEL_ENDPOINTS
      ? parseModelEndpoints(JSON.parse(worker.MODEL_ENDPOINTS), { inlineKeys: false, at: "MODEL_ENDPOINTS", strictResidency: false })
      : [];
    const profiles = parseChannelProfiles(JSON.parse(worker.CHANNEL_PROFILES ?? "{}"), MAX_DAILY_TOKENS);
    const residency = worker.MODEL_RESIDENCY === "kr" || worker.MODEL_RESIDENCY === "global" ? (worker.MODEL_RESIDENCY as Residency) : undefined;
    return {
      profiles,
      routeOf: (channelId) => {
        const profile = channelId ? profiles[channelId] : undefined;
        return routeFor(listed, unlistedEndpoint(worker.OPENAI_BASE_URL, profile?.model ?? model), profile, residency);
      },
    };
  } catch {
    return undefined;
  }
}
