/**
 * The record Lambda sends to an asynchronous invocation's on-failure destination (docs/architecture.md, "Nothing
 * lost"): the original payload (our signed job) and why it failed. `EventAgeExceeded` means the job waited in
 * Lambda's queue past the worker's maximum event age (every worker busy); `RetriesExhausted` means the worker ran
 * and failed: it threw, ran out of memory or was stopped at its timeout.
 */
export interface FailureRecordEvent {
  readonly version?: string;
  readonly timestamp?: string;
  readonly requestContext: { readonly condition: string; readonly requestId?: string; readonly functionArn?: string; readonly approximateInvokeCount?: number };
  readonly requestPayload: unknown;
  readonly responseContext?: { readonly statusCode?: number; readonly functionError?: string };
  readonly responsePayload?: unknown;
}

export type FailureCondition = "EventAgeExceeded" | "RetriesExhausted";

export function isFailureRecord(event: unknown): event is FailureRecordEvent {
  const record = event as { requestContext?: { condition?: unknown }; requestPayload?: unknown } | null;
  return typeof record?.requestContext?.condition === "string" && record.requestPayload !== undefined;
}

/** The worker's error type when it reported one (e.g. `Sandbox.Timedout`, `Runtime.OutOfMemory`, `TypeError`). */
export function errorTypeOf(record: FailureRecordEvent): string | undefined {
  const payload = record.responsePayload as { errorType?: unknown } | null | undefined;
  return typeof payload?.errorType === "string" ? payload.errorType.slice(0, 100) : undefined;
}

/** Builds the record as Lambda would, for the local worker pool (its stand-in for Lambda's async queue). */
export function failureRecord(job: unknown, condition: FailureCondition, errorType?: string): FailureRecordEvent {
  return {
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: { condition, approximateInvokeCount: condition === "EventAgeExceeded" ? 0 : 1 },
    requestPayload: job,
    ...(condition === "RetriesExhausted" ? { responseContext: { statusCode: 200, functionError: "Unhandled" }, responsePayload: { errorType } } : {}),
  };
}
