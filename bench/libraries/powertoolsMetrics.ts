import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** The same metrics through Powertools Metrics (its own EMF line). */
export async function handler(): Promise<void> {
  const metrics = new Metrics({ namespace: "DoorayGpt", serviceName: "worker" });
  metrics.addDimension("Outcome", "answered");
  metrics.addMetric("Questions", MetricUnit.Count, 1);
  metrics.addMetric("InputTokens", MetricUnit.Count, 120);
  metrics.addMetric("ModelLatencyMs", MetricUnit.Milliseconds, 900);
  metrics.publishStoredMetrics();
}
