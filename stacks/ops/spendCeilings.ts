import { workerRouting } from "./workerRouting.js";

/** The settings' exchange rate for the summary's won amounts (`costs` in the settings, written as a Terraform output). */
export interface ExchangeRate {
  readonly krwPerUsd: number;
  /** The day the rate was taken (YYYY-MM-DD), printed beside every amount in won. */
  readonly rateDate: string;
}

/** The Terraform output that carries the rate into the plan, where the review reads it. */
export const EXCHANGE_RATE_OUTPUT = "cost_exchange_rate";

/** One route's day at most: its budgets at the dearest output price among its endpoints, or why there is no figure. */
export interface SpendCeiling {
  readonly channelId: string | undefined;
  readonly name: string | undefined;
  /** US dollars per million output tokens: the dearest of the route's endpoints; undefined when one has no known price. */
  readonly pricePerMillion: number | undefined;
  /** The models whose price is unknown (a channel's own model without modelPrice, an endpoint without price). */
  readonly unpriced: readonly string[];
  readonly perPerson: { readonly tokens: number; readonly usd: number | undefined };
  readonly perChannel: { readonly tokens: number; readonly usd: number | undefined };
}

export interface Spend {
  readonly routes: readonly SpendCeiling[];
  /** The whole bot's day at most (budgets.totalDailyTokens), at the dearest price of any route; undefined tokens: no total. */
  readonly total: { readonly tokens: number; readonly usd: number | undefined } | undefined;
  readonly rate: ExchangeRate | undefined;
}

/**
 * What a day can cost at most, read from the worker's settings: every token at the output list price (the dearer
 * kind), each channel at the price of its own model or endpoints, never at another's. A model whose price the
 * settings do not give has no figure and is named, so that nobody reads another model's price as its own.
 */
export function spendOf(worker: Record<string, string> | undefined, rate: ExchangeRate | undefined): Spend | undefined {
  if (!worker?.BOT_MODEL || worker.BUDGET_USER_DAILY_TOKENS === undefined) return undefined;
  const routing = workerRouting(worker);
  if (!routing) return undefined;
  const profiles = routing.profiles;
  const environmentPrice = Number(worker.MODEL_PRICE_OUTPUT_PER_MTOK ?? 0);
  const user = Number(worker.BUDGET_USER_DAILY_TOKENS);
  const channel = Number(worker.BUDGET_CHANNEL_DAILY_TOKENS);
  const dollars = (tokens: number, price: number | undefined) => (tokens === 0 || price === undefined ? undefined : (tokens * price) / 1_000_000);
  const ceilingOf = (channelId: string | undefined): SpendCeiling => {
    const profile = channelId ? profiles[channelId] : undefined;
    const route = routing.routeOf(channelId);
    const prices = route.endpoints.map((endpoint) => {
      const own = endpoint.unlisted ? profile?.modelPrice?.outputPerMillionTokens : endpoint.price?.outputPerMillionTokens;
      // The environment's price is its default model's: it prices that model and no other.
      return { model: endpoint.model, price: own ?? (endpoint.model === worker.BOT_MODEL ? environmentPrice : undefined) };
    });
    const unpriced = [...new Set(prices.filter((entry) => entry.price === undefined).map((entry) => entry.model))];
    const pricePerMillion = unpriced.length > 0 || prices.length === 0 ? undefined : Math.max(...prices.map((entry) => entry.price!));
    const perPerson = profile?.budgets?.userDailyTokens ?? user;
    const perChannel = profile?.budgets?.channelDailyTokens ?? channel;
    return {
      channelId,
      name: profile?.name,
      pricePerMillion,
      unpriced,
      perPerson: { tokens: perPerson, usd: dollars(perPerson, pricePerMillion) },
      perChannel: { tokens: perChannel, usd: dollars(perChannel, pricePerMillion) },
    };
  };
  const routes = [ceilingOf(undefined), ...Object.keys(profiles).map(ceilingOf)];
  const totalTokens = Number(worker.BUDGET_TOTAL_DAILY_TOKENS ?? 0);
  const anyUnpriced = routes.some((route) => route.pricePerMillion === undefined);
  const dearest = anyUnpriced ? undefined : Math.max(...routes.map((route) => route.pricePerMillion!));
  return { routes, total: totalTokens > 0 ? { tokens: totalTokens, usd: dollars(totalTokens, dearest) } : undefined, rate };
}

/** The summary's lines for the spend ceilings, in dollars and, with a rate, in won. */
export function formatSpend(spend: Spend): string[] {
  const money = (usd: number | undefined, tokens: number) => {
    if (tokens === 0) return "⚠ no ceiling (budget 0 = unlimited)";
    if (usd === undefined) return `≤ ${tokens.toLocaleString("en-US")} tokens (no price)`;
    const won = spend.rate ? ` (≈ ₩${Math.round(usd * spend.rate.krwPerUsd).toLocaleString("en-US")})` : "";
    return `≤ $${usd.toFixed(2)}${won}`;
  };
  const rate = spend.rate
    ? `; ₩ at ${spend.rate.krwPerUsd.toLocaleString("en-US")} per USD on ${spend.rate.rateDate}`
    : "; set costs.krwPerUsd and costs.rateDate for amounts in won";
  const lines = [`  - model spend per day (every token at the output list price of the channel's own model, the upper bound${rate}):`];
  for (const route of spend.routes) {
    const who = route.channelId ? `channel ${route.channelId} (${route.name})` : "by default";
    const price =
      route.pricePerMillion === undefined
        ? `⚠ price unknown for ${route.unpriced.join(", ")}: set modelPrice (or the endpoint's price)`
        : `at $${route.pricePerMillion} per million output tokens`;
    lines.push(
      `    ${who}: ${money(route.perPerson.usd, route.perPerson.tokens)} per person, ${money(route.perChannel.usd, route.perChannel.tokens)} per channel, ${price}`,
    );
  }
  lines.push(
    spend.total
      ? `    the whole bot: ${money(spend.total.usd, spend.total.tokens)} a day (budgets.totalDailyTokens ${spend.total.tokens.toLocaleString("en-US")}, at the dearest route's price), refused at the limit like the others`
      : "    ⚠ the whole bot has no daily total: these times the people and channels using it; set budgets.totalDailyTokens to cap it",
  );
  return lines;
}
