import type { Measurement } from "../metrics.js";
import type { TokenUsage } from "./askModel.js";

export type Price = { readonly input: number; readonly output: number; readonly cachedInput?: number };

/** US dollars for one call's tokens at list price: cached prompt tokens at the cached-input price (the input price when none is known). */
export function costOf(used: TokenUsage, price: Price): number {
  const cached = Math.min(used.cachedInputTokens ?? 0, used.inputTokens);
  return ((used.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + used.outputTokens * price.output) / 1_000_000;
}

/** The model calls' metrics: tokens (reported or estimated), their list-price cost, and the timings. */
export function measurementsOf(
  used: TokenUsage | undefined,
  costUSD: number,
  result: { readonly firstTextMs: number | undefined; readonly modelMs: number },
  allEndpointsFailed = false,
): Record<string, Measurement | undefined> {
  return {
    InputTokens: used && { value: used.inputTokens, unit: "Count" },
    CachedInputTokens: used && { value: used.cachedInputTokens ?? 0, unit: "Count" },
    OutputTokens: used && { value: used.outputTokens, unit: "Count" },
    EstimatedCostUSD: used && { value: costUSD, unit: "None" },
    TimeToFirstTokenMs: result.firstTextMs === undefined ? undefined : { value: result.firstTextMs, unit: "Milliseconds" },
    ModelLatencyMs: { value: result.modelMs, unit: "Milliseconds" },
    AllEndpointsFailed: allEndpointsFailed ? { value: 1, unit: "Count" } : undefined,
  };
}
