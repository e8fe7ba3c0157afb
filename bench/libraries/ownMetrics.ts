import { createLogger } from "../../handler/log.js";
import { outcomeMetrics } from "../../handler/metrics.js";

/** One job.finished line with its metrics, as the worker writes it. */
export async function handler(): Promise<void> {
  createLogger()("info", "job.finished", {
    outcome: "answered",
    ...outcomeMetrics("prod", "answered", { InputTokens: { value: 120, unit: "Count" }, ModelLatencyMs: { value: 900, unit: "Milliseconds" } }),
  });
}
