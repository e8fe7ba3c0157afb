import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { topicArn, type Place } from "./arns.js";
import type { BotKey } from "./BotKey.js";
import type { AlarmSettings } from "./config.js";
import { ALL_ENDPOINTS_FAILED_METRIC, ENDPOINT_MISCONFIGURED_METRIC, METRICS_NAMESPACE, OUTCOME_METRIC } from "../handler/metrics.js";

export interface BotAlarmsProps {
  readonly place: Place;
  /** dooray-gpt-<env>: every alarm's name starts with it. */
  readonly prefix: string;
  /** The Environment dimension of the bot's own metrics. */
  readonly environment: string;
  readonly edgeName: string;
  readonly workerName: string;
  /** The edge's dead-letter queue: any message in it is a person who may not have heard back. */
  readonly deadLetterQueueName: string;
  readonly settings: AlarmSettings;
  /** The alarm topic is encrypted with the environment's key. */
  readonly key: BotKey;
  /** Listed model endpoints: with any, two alarms more (every endpoint failed a question; one is misconfigured). */
  readonly modelEndpoints?: number;
}

/** One alarm, as data: what it watches, when it fires, and what it means for the people using the bot. */
export interface AlarmSpec {
  readonly name: string;
  readonly description: string;
  readonly threshold: number;
  /** A single metric, or several summed (each missing value counted as 0). */
  readonly metrics: readonly { readonly namespace: string; readonly metricName: string; readonly dimensions: Readonly<Record<string, string>> }[];
  /** How the period's values are combined: a count is summed, a depth is its highest value. */
  readonly statistic?: "Sum" | "Maximum";
}

/** Every alarm sums over 5 minutes and fires on one breaching period; no data means nothing happened. */
export const ALARM_PERIOD_SECONDS = 300;

export function alarmSpecs(props: Omit<BotAlarmsProps, "place" | "settings" | "key"> & { budgetRefusalsPer5Minutes: number }): AlarmSpec[] {
  const lambda = (functionName: string, metricName: string) => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName } });
  const outcome = (name: string) => ({
    namespace: METRICS_NAMESPACE,
    metricName: OUTCOME_METRIC,
    dimensions: { Environment: props.environment, Outcome: name },
  });
  return [
    {
      name: "worker-errors",
      description: "The worker threw or hit its timeout; those people got the failure message.",
      threshold: 0,
      metrics: [lambda(props.workerName, "Errors")],
    },
    {
      name: "worker-throttles",
      description: "Every worker was busy (reserved concurrency reached); jobs waited in Lambda's queue.",
      threshold: 0,
      metrics: [lambda(props.workerName, "Throttles")],
    },
    {
      name: "worker-dropped-events",
      description: "Jobs were dropped after waiting past the maximum event age; those people got the busy message.",
      threshold: 0,
      metrics: [lambda(props.workerName, "AsyncEventsDropped")],
    },
    {
      name: "failure-records",
      description: "The edge told people their question was not answered (busy or failed).",
      threshold: 0,
      metrics: [outcome("busy"), outcome("workerFailed")],
    },
    {
      name: "failure-record-delivery-failures",
      description: "Lambda could not deliver a failure record to the edge: someone got no final message.",
      threshold: 0,
      metrics: [lambda(props.workerName, "DestinationDeliveryFailures")],
    },
    {
      name: "edge-errors",
      description: "The edge failed; Dooray showed people an error instead of our answer.",
      threshold: 0,
      metrics: [lambda(props.edgeName, "Errors")],
    },
    {
      name: "edge-throttles",
      description: "The edge's reserved concurrency was reached; Dooray got HTTP 429.",
      threshold: 0,
      metrics: [lambda(props.edgeName, "Throttles")],
    },
    {
      name: "edge-dead-letters",
      description:
        'A failure record the edge could not process is in its dead-letter queue: that person may not have been told (docs/operations.md, "Dead letters").',
      threshold: 0,
      statistic: "Maximum",
      metrics: [{ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: props.deadLetterQueueName } }],
    },
    {
      name: "budget-refusals",
      description: `More than ${props.budgetRefusalsPer5Minutes} questions in 5 minutes were refused by a daily budget.`,
      threshold: props.budgetRefusalsPer5Minutes,
      metrics: [outcome("refusedByBudget")],
    },
    ...((props.modelEndpoints ?? 0) > 0 ? endpointAlarms(props.environment) : []),
  ];
}

/** With a list of model endpoints (docs/operations.md, "Model endpoints"). */
function endpointAlarms(environment: string): AlarmSpec[] {
  const bot = (metricName: string) => ({ namespace: METRICS_NAMESPACE, metricName, dimensions: { Environment: environment } });
  return [
    {
      name: "model-endpoints-all-failed",
      description: "Every model endpoint a question could go to failed before its first word; those people got the failure message.",
      threshold: 0,
      metrics: [bot(ALL_ENDPOINTS_FAILED_METRIC)],
    },
    {
      name: "model-endpoint-misconfigured",
      description:
        "A model endpoint refused its key or its model (401, 403, 404, or no key in its secret): a configuration error; questions went to the next endpoint.",
      threshold: 0,
      metrics: [bot(ENDPOINT_MISCONFIGURED_METRIC)],
    },
  ];
}

/**
 * Alarms on what people would notice (docs/operations.md, "Alarms"), with an optional SNS topic that e-mails the
 * addresses in cdktf.json (each must confirm its subscription once).
 */
export class BotAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: BotAlarmsProps) {
    super(scope, id);
    const topicName = `${props.prefix}-alarms`;
    let actions: string[] = [];
    let topic: SnsTopic | undefined;
    if (props.settings.emails.length > 0) {
      topic = new SnsTopic(this, "topic", { name: topicName, kmsMasterKeyId: props.key.aliasName, dependsOn: [props.key.alias] });
      props.settings.emails.forEach(
        (email, index) => new SnsTopicSubscription(this, `email_${index}`, { topicArn: topic!.arn, protocol: "email", endpoint: email }),
      );
      // Built from the name, so the plan shows where each alarm goes; dependsOn keeps the order a reference would give.
      actions = [topicArn(props.place, topicName)];
    }
    const specs = alarmSpecs({ ...props, budgetRefusalsPer5Minutes: props.settings.budgetRefusalsPer5Minutes });
    this.alarms = specs.map((spec) => {
      const common = {
        alarmName: `${props.prefix}-${spec.name}`,
        alarmDescription: spec.description,
        comparisonOperator: "GreaterThanThreshold",
        threshold: spec.threshold,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
        ...(topic ? { dependsOn: [topic] } : {}),
      };
      if (spec.metrics.length === 1) {
        const [metric] = spec.metrics;
        return new CloudwatchMetricAlarm(this, spec.name.replaceAll("-", "_"), {
          ...common,
          ...metric!,
          dimensions: { ...metric!.dimensions },
          statistic: spec.statistic ?? "Sum",
          period: ALARM_PERIOD_SECONDS,
        });
      }
      const ids = spec.metrics.map((_, index) => `m${index}`);
      return new CloudwatchMetricAlarm(this, spec.name.replaceAll("-", "_"), {
        ...common,
        metricQuery: [
          ...spec.metrics.map((metric, index) => ({
            id: ids[index]!,
            metric: { ...metric, dimensions: { ...metric.dimensions }, period: ALARM_PERIOD_SECONDS, stat: "Sum" },
          })),
          { id: "total", expression: ids.map((metricId) => `FILL(${metricId}, 0)`).join(" + "), label: spec.name, returnData: true },
        ],
      });
    });
  }
}
