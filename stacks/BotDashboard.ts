import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import { METRICS_NAMESPACE, OUTCOME_METRIC } from "../handler/metrics.js";

export interface BotDashboardProps {
  readonly dashboardName: string;
  readonly region: string;
  readonly environment: string;
  readonly edgeName: string;
  readonly workerName: string;
  /** Outcomes drawn on the "questions" graph (the metric has one series per outcome). */
  readonly outcomes: readonly string[];
}

/** The figures an operator looks at first: outcomes, tokens and cost, model timings, and Lambda's own health. */
export class BotDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: BotDashboardProps) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, "dashboard", { dashboardName: props.dashboardName, dashboardBody: JSON.stringify(dashboardBody(props)) });
  }
}

export function dashboardBody(props: BotDashboardProps): { widgets: object[] } {
  const ours = (metric: string, stat: string, extra: string[] = []) => [METRICS_NAMESPACE, metric, "Environment", props.environment, ...extra, { stat }];
  const lambda = (metric: string, fn: string, stat = "Sum") => ["AWS/Lambda", metric, "FunctionName", fn, { stat }];
  const graph = (title: string, metrics: unknown[][], x: number, y: number, extra: object = {}) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: props.region, view: "timeSeries", period: 300, metrics, ...extra },
  });
  return {
    widgets: [
      graph(
        "Questions by outcome",
        props.outcomes.map((outcome) => [
          METRICS_NAMESPACE,
          OUTCOME_METRIC,
          "Environment",
          props.environment,
          "Outcome",
          outcome,
          { stat: "Sum", label: outcome },
        ]),
        0,
        0,
        { stacked: true },
      ),
      graph("Tokens (input, output)", [ours("InputTokens", "Sum"), ours("OutputTokens", "Sum")], 12, 0, { stacked: true }),
      graph("Estimated cost (USD)", [ours("EstimatedCostUSD", "Sum")], 0, 6),
      graph(
        "Model timings (ms): first words, whole answer",
        [ours("TimeToFirstTokenMs", "p50"), ours("TimeToFirstTokenMs", "p90"), ours("ModelLatencyMs", "p50"), ours("ModelLatencyMs", "p90")],
        12,
        6,
      ),
      graph(
        "Worker health",
        [
          lambda("Errors", props.workerName),
          lambda("Throttles", props.workerName),
          lambda("AsyncEventsDropped", props.workerName),
          lambda("DestinationDeliveryFailures", props.workerName),
          lambda("ConcurrentExecutions", props.workerName, "Maximum"),
        ],
        0,
        12,
      ),
      graph(
        "Edge health",
        [
          lambda("Invocations", props.edgeName),
          lambda("Errors", props.edgeName),
          lambda("Throttles", props.edgeName),
          lambda("Duration", props.edgeName, "p99"),
        ],
        12,
        12,
      ),
    ],
  };
}
