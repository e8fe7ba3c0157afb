/**
 * CloudWatch metrics as Embedded Metric Format fields inside the one JSON log line an event already writes
 * (docs/architecture.md, "Metrics"): no extra line, no API call, no permission beyond writing logs. Written by hand
 * rather than with Powertools Metrics: these are the few lines it would add, without its cold-start cost
 * (npm run bench:libraries).
 */
export const METRICS_NAMESPACE = "DoorayGpt";

/** Every question's outcome, counted under the Outcome dimension (answered, busy, refusedByBudget, timedOut, …). */
export const OUTCOME_METRIC = "Questions";

export type Unit = "Count" | "Milliseconds" | "None";

export interface Measurement {
  readonly value: number;
  readonly unit: Unit;
}

/**
 * The fields that make a log line count one question with its outcome, plus any measurements (tokens, cost,
 * latencies) under the Environment dimension alone. Merge them into the line's fields.
 */
export function outcomeMetrics(
  environment: string,
  outcome: Outcome,
  measurements: Readonly<Record<string, Measurement | undefined>> = {},
  now = Date.now(),
  /** Personal data found in a question (the guard's matches), counted per channel: emitted only where there were some. */
  perChannel?: { readonly channelId: string; readonly personalDataFound: number },
): Record<string, unknown> {
  const measured = Object.entries(measurements).filter((entry): entry is [string, Measurement] => entry[1] !== undefined && Number.isFinite(entry[1].value));
  const directives: Record<string, unknown>[] = [
    { Namespace: METRICS_NAMESPACE, Dimensions: [["Environment", "Outcome"]], Metrics: [{ Name: OUTCOME_METRIC, Unit: "Count" }] },
  ];
  if (measured.length > 0) {
    directives.push({ Namespace: METRICS_NAMESPACE, Dimensions: [["Environment"]], Metrics: measured.map(([name, { unit }]) => ({ Name: name, Unit: unit })) });
  }
  const found = perChannel && perChannel.personalDataFound > 0 ? perChannel : undefined;
  if (found)
    directives.push({ Namespace: METRICS_NAMESPACE, Dimensions: [["Environment", "ChannelId"]], Metrics: [{ Name: PERSONAL_DATA_METRIC, Unit: "Count" }] });
  return {
    _aws: { Timestamp: now, CloudWatchMetrics: directives },
    Environment: environment,
    Outcome: outcome,
    [OUTCOME_METRIC]: 1,
    ...Object.fromEntries(measured.map(([name, { value }]) => [name, value])),
    ...(found ? { ChannelId: found.channelId, [PERSONAL_DATA_METRIC]: found.personalDataFound } : {}),
  };
}

/** Matches the personal-data guard found in one question's texts, per channel (docs/privacy.md, "Personal data"). */
export const PERSONAL_DATA_METRIC = "PersonalDataFound";

/** Every outcome a question can end in (the dashboard draws one series each). */
export const OUTCOMES = [
  "answered",
  "refusedByBudget",
  "busy",
  "workerFailed",
  "timedOut",
  "rateLimited",
  "modelFailed",
  "unreachable",
  "keyRejected",
  "streamBroken",
  "emptyAnswer",
  "refused",
  "notConfigured",
  "secretUnavailable",
  "storeUnavailable",
  "conversationGone",
  "taskCreated",
  "taskFailed",
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** A model endpoint that failed a call and was cooled down, per endpoint (docs/operations.md, "Model endpoints"). */
export const ENDPOINT_FAILURE_METRIC = "EndpointFailures";
/** An endpoint that refused the key or the model (401, 403, 404): a configuration error, alarmed. */
export const ENDPOINT_MISCONFIGURED_METRIC = "EndpointMisconfigured";
/** A question every allowed endpoint failed (counted on the closing line), alarmed. */
export const ALL_ENDPOINTS_FAILED_METRIC = "AllEndpointsFailed";

/** The fields that make a failover's log line count the failure under the endpoint's name. */
export function endpointFailureMetrics(environment: string, endpoint: string, misconfigured: boolean, now = Date.now()): Record<string, unknown> {
  const directives: Record<string, unknown>[] = [
    { Namespace: METRICS_NAMESPACE, Dimensions: [["Environment", "Endpoint"]], Metrics: [{ Name: ENDPOINT_FAILURE_METRIC, Unit: "Count" }] },
  ];
  if (misconfigured)
    directives.push({ Namespace: METRICS_NAMESPACE, Dimensions: [["Environment"]], Metrics: [{ Name: ENDPOINT_MISCONFIGURED_METRIC, Unit: "Count" }] });
  return {
    _aws: { Timestamp: now, CloudWatchMetrics: directives },
    Environment: environment,
    Endpoint: endpoint,
    [ENDPOINT_FAILURE_METRIC]: 1,
    ...(misconfigured ? { [ENDPOINT_MISCONFIGURED_METRIC]: 1 } : {}),
  };
}
