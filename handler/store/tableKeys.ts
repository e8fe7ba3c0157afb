/**
 * The bot's one DynamoDB table (docs/architecture.md, "The table"): a single string partition key, one row per
 * budget day and scope, one per claimed job, one per conversation. Each row carries its own expiry for DynamoDB's TTL.
 */
export const PARTITION_KEY = "pk";
/** Epoch seconds; DynamoDB's TTL deletes the row some time after it passes. */
export const TTL_ATTRIBUTE = "expiresAt";
/** Usage rows are kept this long after their day, so a month can still be looked back on. */
export const USAGE_KEEP_SECONDS = 35 * 24 * 3600;
/** A job claim outlives every redelivery Lambda could still make (maximum event age is at most 6 hours). */
export const JOB_CLAIM_KEEP_SECONDS = 24 * 3600;

/** A conversation (its turns, for follow-ups and regeneration) lives a day after its last turn. */
export const CONVERSATION_KEEP_SECONDS = 24 * 3600;

/** Whose use a row counts: a person's or a channel's in a tenant, or the whole bot's (every tenant and channel). */
export type UsageScope = "user" | "channel" | "total";

/** `usage#<tenant>#user#<user>#<day>`; ids are escaped so no id can make another row's key. */
export function usageKey(scope: UsageScope, tenantId: string, id: string, day: string): string {
  return `usage#${part(tenantId)}#${scope}#${part(id)}#${day}`;
}

/** `usage#total#<YYYY-MM-DD>`: the whole bot's use on one day (budgets.totalDailyTokens). */
export function totalUsageKey(day: string): string {
  return `usage#total#${day}`;
}

export function jobKey(jobId: string): string {
  return `job#${part(jobId)}`;
}

export function conversationKey(conversationId: string): string {
  return `conv#${part(conversationId)}`;
}

/** `person#<tenant>#<user>`: the ids of a person's conversations, so they can be found (and forgotten) without a scan. */
export function personKey(tenantId: string, userId: string): string {
  return `person#${part(tenantId)}#${part(userId)}`;
}

/** `endpoint#<name>`: until when a model endpoint that just failed is skipped, for every container. */
export function endpointKey(name: string): string {
  return `endpoint#${part(name)}`;
}

function part(value: string): string {
  return encodeURIComponent(value);
}
