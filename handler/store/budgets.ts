import { PARTITION_KEY, TTL_ATTRIBUTE, USAGE_KEEP_SECONDS, usageKey, type UsageScope } from "./tableKeys.js";
import { isConditionFailure, numberOf, type TableRef } from "./tableRef.js";

/** Whose budgets a question draws on. */
export interface BudgetOwner {
  readonly tenantId: string;
  readonly channelId: string;
  readonly userId: string;
}

/** Daily token limits; 0 means unlimited (the use is still counted, for `/gpt usage` and the metrics). */
export interface DailyLimits {
  readonly user: number;
  readonly channel: number;
}

export interface UsageRow {
  /** Tokens counted today: settled answers plus reservations still running. */
  readonly tokens: number;
  readonly answered: number;
}

export interface Usage {
  readonly user: UsageRow;
  readonly channel: UsageRow;
}

export type Reservation =
  | { readonly ok: true; readonly tokens: number }
  | { readonly ok: false; readonly scope: UsageScope; readonly limit: number };

const SCOPES: readonly UsageScope[] = ["user", "channel"];
const idOf = (owner: BudgetOwner, scope: UsageScope) => (scope === "user" ? owner.userId : owner.channelId);
const keyOf = (owner: BudgetOwner, scope: UsageScope, day: string) => ({ [PARTITION_KEY]: { S: usageKey(scope, owner.tenantId, idOf(owner, scope), day) } });

/**
 * Today's use of the person and of the channel: one BatchGetItem for both rows (one signed request on the edge's
 * cold path), strongly consistent, since a refusal must not rest on a stale read. DynamoDB may leave keys
 * unprocessed under throttling; that is reported as a failure, for the caller to treat as "could not read".
 */
export async function readUsage(ref: TableRef, owner: BudgetOwner, day: string, timeoutMs?: number): Promise<Usage> {
  const keys = SCOPES.map((scope) => keyOf(owner, scope, day));
  const result = await ref.call("BatchGetItem", { RequestItems: { [ref.table]: { Keys: keys, ConsistentRead: true } } }, { timeoutMs });
  const unprocessed = (result.UnprocessedKeys as Record<string, unknown> | undefined) ?? {};
  if (Object.keys(unprocessed).length > 0) throw new Error("DynamoDB left usage rows unprocessed");
  const items = ((result.Responses as Record<string, Record<string, { S?: string }>[]> | undefined)?.[ref.table] ?? []);
  const row = (scope: UsageScope): UsageRow => {
    const item = items.find((candidate) => candidate[PARTITION_KEY]?.S === keys[SCOPES.indexOf(scope)]![PARTITION_KEY]!.S);
    return { tokens: numberOf(item, "tokens"), answered: numberOf(item, "answered") };
  };
  return { user: row("user"), channel: row("channel") };
}

/** The scope a question of this size would overrun, judged on a read (the edge's quick answer; the worker decides). */
export function wouldOverrun(usage: Usage, tokens: number, limits: DailyLimits): UsageScope | undefined {
  return SCOPES.find((scope) => limits[scope] > 0 && usage[scope].tokens + tokens > limits[scope]);
}

/**
 * Holds `tokens` back from both budgets with conditional writes, so concurrent questions can never overrun one:
 * DynamoDB applies each `ADD` only while the row stays within its limit. Both rows are written at once; if one
 * refuses, the other's hold is given back (DynamoDB transactions would do this in one call, at twice the write cost).
 */
export async function reserve(ref: TableRef, owner: BudgetOwner, day: string, tokens: number, limits: DailyLimits, nowSeconds: number): Promise<Reservation> {
  const tooBig = SCOPES.find((scope) => limits[scope] > 0 && tokens > limits[scope]);
  if (tooBig) return { ok: false, scope: tooBig, limit: limits[tooBig] };
  const results = await Promise.allSettled(SCOPES.map((scope) => add(ref, owner, scope, day, { tokens }, nowSeconds, limits[scope])));
  const refused = SCOPES.find((_, index) => results[index]!.status === "rejected");
  if (refused === undefined) return { ok: true, tokens };
  await Promise.all(SCOPES.map((scope, index) => (results[index]!.status === "fulfilled" ? add(ref, owner, scope, day, { tokens: -tokens }, nowSeconds) : undefined)));
  const failure = (results[SCOPES.indexOf(refused)] as PromiseRejectedResult).reason;
  if (!isConditionFailure(failure)) throw failure;
  return { ok: false, scope: refused, limit: limits[refused] };
}

export interface Settlement {
  /** What the question really used, replacing its reservation. */
  readonly usedTokens: number;
  readonly reservedTokens: number;
  readonly answered: boolean;
}

/** Replaces a reservation by the real use (0 gives it all back) and counts an answered question. */
export async function settle(ref: TableRef, owner: BudgetOwner, day: string, settlement: Settlement, nowSeconds: number): Promise<void> {
  const change = { tokens: settlement.usedTokens - settlement.reservedTokens, answered: settlement.answered ? 1 : 0 };
  await Promise.all(SCOPES.map((scope) => add(ref, owner, scope, day, change, nowSeconds)));
}

/** One atomic `ADD` to a usage row, refused (ConditionalCheckFailedException) if it would pass `limit`. */
async function add(ref: TableRef, owner: BudgetOwner, scope: UsageScope, day: string, change: { tokens: number; answered?: number }, nowSeconds: number, limit = 0): Promise<void> {
  const values: Record<string, unknown> = { ":tokens": { N: String(change.tokens) }, ":expires": { N: String(nowSeconds + USAGE_KEEP_SECONDS) } };
  let update = "ADD tokens :tokens";
  if (change.answered) {
    update += ", answered :answered";
    values[":answered"] = { N: String(change.answered) };
  }
  const input: Record<string, unknown> = {
    TableName: ref.table,
    Key: keyOf(owner, scope, day),
    UpdateExpression: `${update} SET ${TTL_ATTRIBUTE} = if_not_exists(${TTL_ATTRIBUTE}, :expires)`,
    ExpressionAttributeValues: values,
  };
  if (limit > 0 && change.tokens > 0) {
    input.ConditionExpression = "attribute_not_exists(tokens) OR tokens <= :room";
    values[":room"] = { N: String(limit - change.tokens) };
  }
  await ref.call("UpdateItem", input);
}
