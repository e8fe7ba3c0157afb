import { DEFAULT_DOORAY_REST_URL, DEFAULT_SYSTEM_PROMPT } from "../handler/config.js";
import { routeFor, unlistedEndpoint } from "../handler/model/endpoints.js";
import { promptTokenBound, reservationFor } from "../handler/store/tokenEstimate.js";
import type { EnvironmentConfig } from "./environmentConfig.js";
import { StackConfigError } from "./stackConfigError.js";

/**
 * The checks that span settings, run once every setting is valid on its own (stacks/config.ts): what one setting
 * cannot say alone, such as a budget too small for the answers it must hold or a channel with nowhere to send its
 * questions. Each stops synth with one line naming the setting to change.
 */
export function checkEnvironment(environment: EnvironmentConfig, at: string): void {
  checkBudgetsHoldTwoAnswers(environment, at);
  checkProfilesFit(environment, at);
  checkScopesHaveToken(environment, at);
  checkRoutes(environment, at);
}

/** A question reserves its prompt plus maxOutputTokens: a non-zero budget below two answers could answer next to nothing. */
function checkBudgetsHoldTwoAnswers(environment: EnvironmentConfig, at: string): void {
  const least = environment.maxOutputTokens * 2;
  const budgets: [string, number | undefined][] = [
    ...(["userDailyTokens", "channelDailyTokens", "totalDailyTokens"] as const).map((key): [string, number] => [
      `${at}.budgets.${key}`,
      environment.budgets[key],
    ]),
    ...Object.entries(environment.channels).flatMap(([channelId, profile]) =>
      Object.entries(profile.budgets ?? {}).map(([key, value]): [string, number | undefined] => [`${at}.channels.${channelId}.budgets.${key}`, value]),
    ),
  ];
  for (const [where, value] of budgets) {
    if (value !== undefined && value > 0 && value < least)
      throw new StackConfigError(
        `${where}: ${value} holds less than two answers of maxOutputTokens (${environment.maxOutputTokens}); use 0 for unlimited or at least ${least}`,
      );
  }
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
