import type { CallLimits } from "../aws/awsRequest.js";
import { PARTITION_KEY, TTL_ATTRIBUTE, endpointKey } from "./tableKeys.js";
import { isConditionFailure, numberOf, type TableRef } from "./tableRef.js";

/** How long a container trusts the cooldowns it read: a job reads them at most this often, so the healthy path adds nothing. */
export const COOLDOWN_CACHE_MS = 2_000;

interface Cached {
  readonly readAt: number;
  readonly names: readonly string[];
  /** Shared by the callers of one read; written cooldowns are added to it. */
  readonly until: Promise<Map<string, number>>;
}

/** Per table reference, i.e. per container (a test's second server is a second container). */
const caches = new WeakMap<TableRef, Cached>();

/**
 * Until when each endpoint cools down (epoch ms; absent: never failed, or its row expired), read from the table
 * with one GetItem per endpoint, side by side, at most every COOLDOWN_CACHE_MS in this container. A read that fails
 * counts as no cooldown: a question is never refused for want of one.
 */
export function readCooldowns(ref: TableRef, names: readonly string[], now: number, within: CallLimits = {}): Promise<ReadonlyMap<string, number>> {
  const cached = caches.get(ref);
  if (cached && now - cached.readAt < COOLDOWN_CACHE_MS && names.every((name) => cached.names.includes(name))) return cached.until;
  const until = Promise.all(
    names.map(async (name) => {
      const found = await ref
        .call("GetItem", { TableName: ref.table, Key: { [PARTITION_KEY]: { S: endpointKey(name) } } }, within)
        .catch(() => ({}) as Record<string, unknown>);
      return [name, numberOf(found.Item as Record<string, unknown> | undefined, "until")] as const;
    }),
  ).then((entries) => new Map(entries));
  caches.set(ref, { readAt: now, names, until });
  return until;
}

/**
 * Cools an endpoint down for every container until `until` (epoch ms). A longer cooldown already written stays
 * (the condition); the row expires by TTL a minute after it ends. This container knows at once.
 */
export async function coolDown(ref: TableRef, name: string, until: number, within: CallLimits = {}): Promise<void> {
  const cached = caches.get(ref);
  if (cached) await cached.until.then((known) => known.set(name, Math.max(until, known.get(name) ?? 0)));
  try {
    await ref.call(
      "UpdateItem",
      {
        TableName: ref.table,
        Key: { [PARTITION_KEY]: { S: endpointKey(name) } },
        UpdateExpression: "SET #until = :until, #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(#until) OR #until < :until",
        ExpressionAttributeNames: { "#until": "until", "#ttl": TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ":until": { N: String(until) }, ":ttl": { N: String(Math.ceil(until / 1000) + 60) } },
      },
      within,
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
