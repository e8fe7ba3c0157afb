import { PARTITION_KEY, TTL_ATTRIBUTE, USAGE_KEEP_SECONDS, totalUsageKey, usageKey, type UsageScope } from "./tableKeys.js";
import type { CallLimits } from "../aws/awsRequest.js";
import { isConditionFailure, numberOf, refusedItem, type TableRef } from "./tableRef.js";

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
  /** The whole bot's, across tenants and channels; its row is written only while it is set (0 or absent: none). */
  readonly total?: number;
}

export interface UsageRow {
  /** Tokens counted today: settled answers plus reservations still running. */
  readonly tokens: number;
  readonly answered: number;
}

export interface Usage {
  readonly user: UsageRow;
  readonly channel: UsageRow;
  /** Read only when asked for (a total limit is set). */
  readonly total?: UsageRow;
}

export type Reservation =
  | { readonly ok: true; readonly tokens: number }
  | {
      readonly ok: false;
      readonly scope: UsageScope;
      readonly limit: number;
      /** What that scope had counted today when it refused (settled answers plus holds still running). */
      readonly used: number;
      /** What this question needed to hold back. */
      readonly needed: number;
    };

/** One question's hold on the budgets: its job, and the most it may cost. */
export interface Hold {
  readonly jobId: string;
  readonly tokens: number;
}

const BASE_SCOPES: readonly UsageScope[] = ["user", "channel"];
/** The rows a question draws on: the person's and the channel's always (counted even when unlimited), the bot's while it has a limit. */
export function scopesOf(limits: DailyLimits): readonly UsageScope[] {
  return (limits.total ?? 0) > 0 ? [...BASE_SCOPES, "total"] : BASE_SCOPES;
}
const limitOf = (limits: DailyLimits, scope: UsageScope) => limits[scope] ?? 0;
const idOf = (owner: BudgetOwner, scope: UsageScope) => (scope === "user" ? owner.userId : owner.channelId);
const keyOf = (owner: BudgetOwner, scope: UsageScope, day: string) => ({
  [PARTITION_KEY]: { S: scope === "total" ? totalUsageKey(day) : usageKey(scope, owner.tenantId, idOf(owner, scope), day) },
});
/**
 * A running question's hold is an attribute of the row it draws on, named after its job. Writing it and removing it
 * are each conditional on whether it is there, so a write that is retried after its answer was lost is applied once.
 */
const holdName = (jobId: string) => `hold#${jobId}`;

/**
 * Today's use of the person and of the channel: one BatchGetItem for both rows (one signed request on the edge's
 * cold path), strongly consistent, since a refusal must not rest on a stale read. DynamoDB may leave keys
 * unprocessed under throttling; that is reported as a failure, for the caller to treat as "could not read".
 */
export async function readUsage(
  ref: TableRef,
  owner: BudgetOwner,
  day: string,
  within: CallLimits = {},
  scopes: readonly UsageScope[] = BASE_SCOPES,
): Promise<Usage> {
  const keys = scopes.map((scope) => keyOf(owner, scope, day));
  const result = await ref.call("BatchGetItem", { RequestItems: { [ref.table]: { Keys: keys, ConsistentRead: true } } }, within);
  const unprocessed = (result.UnprocessedKeys as Record<string, unknown> | undefined) ?? {};
  if (Object.keys(unprocessed).length > 0) throw new Error("DynamoDB left usage rows unprocessed");
  const items = (result.Responses as Record<string, Record<string, { S?: string }>[]> | undefined)?.[ref.table] ?? [];
  const row = (scope: UsageScope): UsageRow => {
    const item = items.find((candidate) => candidate[PARTITION_KEY]?.S === keyOf(owner, scope, day)[PARTITION_KEY]!.S);
    return { tokens: numberOf(item, "tokens"), answered: numberOf(item, "answered") };
  };
  return { user: row("user"), channel: row("channel"), ...(scopes.includes("total") ? { total: row("total") } : {}) };
}

/** The scope a question of this size would overrun, judged on a read (the edge's quick answer; the worker decides). */
export function wouldOverrun(usage: Usage, tokens: number, limits: DailyLimits): UsageScope | undefined {
  return scopesOf(limits).find((scope) => limitOf(limits, scope) > 0 && (usage[scope]?.tokens ?? 0) + tokens > limitOf(limits, scope));
}

/**
 * Holds `hold.tokens` back from both budgets with conditional writes, so concurrent questions can never overrun one:
 * DynamoDB applies each `ADD` only while the row stays within its limit, and only once per job. Both rows are
 * written at once; if one refuses, the holds are given back (DynamoDB transactions would do this in one call, at
 * twice the write cost). For a job's later holds (a tool round's), placed after its claim.
 */
export async function reserve(
  ref: TableRef,
  owner: BudgetOwner,
  day: string,
  hold: Hold,
  limits: DailyLimits,
  nowSeconds: number,
  within: CallLimits = {},
): Promise<Reservation> {
  const tooBig = tooBigFor(hold, limits);
  if (tooBig) return tooBig;
  let reservation: Reservation;
  try {
    reservation = await placeHolds(ref, owner, day, hold, limits, nowSeconds, within);
  } catch (error) {
    await giveBack(ref, owner, day, hold, nowSeconds, within, scopesOf(limits)).catch(() => undefined);
    throw error;
  }
  if (!reservation.ok) await giveBack(ref, owner, day, hold, nowSeconds, within, scopesOf(limits));
  return reservation;
}

/** A hold larger than a whole day's limit is refused without a write. */
function tooBigFor(hold: Hold, limits: DailyLimits): Reservation | undefined {
  const scope = scopesOf(limits).find((one) => limitOf(limits, one) > 0 && hold.tokens > limitOf(limits, one));
  return scope && { ok: false, scope, limit: limitOf(limits, scope), used: 0, needed: hold.tokens };
}

/**
 * Places the hold on both rows at once and gives nothing back, refused or failed: a job's first hold goes out beside
 * its claim, and a second delivery of the job places a hold of the same name, so only the claim's holder may give
 * the job's holds back (giveBack). A refusal names the first scope that refused; an error is thrown.
 */
export async function placeHolds(
  ref: TableRef,
  owner: BudgetOwner,
  day: string,
  hold: Hold,
  limits: DailyLimits,
  nowSeconds: number,
  within: CallLimits = {},
): Promise<Reservation> {
  const tooBig = tooBigFor(hold, limits);
  if (tooBig) return tooBig;
  const scopes = scopesOf(limits);
  const outcomes = await Promise.allSettled(scopes.map((scope) => placeHold(ref, owner, scope, day, hold, limitOf(limits, scope), nowSeconds, within)));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
  const placed = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Placed>).value);
  const index = placed.findIndex((one) => !one.held);
  if (index < 0) return { ok: true, tokens: hold.tokens };
  const refusal = placed[index] as Extract<Placed, { held: false }>;
  return { ok: false, scope: scopes[index]!, limit: limitOf(limits, scopes[index]!), used: refusal.used, needed: hold.tokens };
}

/**
 * Gives a job's hold back on both rows, whoever placed it (this delivery or a second one of the same job); a row
 * without the hold is left as it is. For a job that will not call the model after all.
 */
export async function giveBack(
  ref: TableRef,
  owner: BudgetOwner,
  day: string,
  hold: Hold,
  nowSeconds: number,
  within: CallLimits = {},
  scopes: readonly UsageScope[] = BASE_SCOPES,
): Promise<void> {
  await Promise.all(scopes.map((scope) => releaseHold(ref, owner, scope, day, hold, { tokens: -hold.tokens }, nowSeconds, within)));
}

export interface Settlement {
  readonly jobId: string;
  /** What the question really used, replacing its reservation (never more than it: see `chargeable`). */
  readonly usedTokens: number;
  readonly reservedTokens: number;
  readonly answered: boolean;
}

/**
 * What a settlement may charge: the real use, but never more than was held back. A hold is an upper bound of what
 * the call can use (tokenEstimate.ts), so an endpoint reporting more is counting something we did not send; the
 * limit is a promise to the person, so the excess is not charged (the caller logs it, the cost metric keeps it).
 */
export function chargeable(usedTokens: number, reservedTokens: number): number {
  return Math.max(0, Math.min(usedTokens, reservedTokens));
}

/** Replaces a reservation by the real use (0 gives it all back) and counts an answered question; once per job. */
export async function settle(
  ref: TableRef,
  owner: BudgetOwner,
  day: string,
  settlement: Settlement,
  nowSeconds: number,
  within: CallLimits = {},
  scopes: readonly UsageScope[] = BASE_SCOPES,
): Promise<void> {
  const change = { tokens: chargeable(settlement.usedTokens, settlement.reservedTokens) - settlement.reservedTokens, answered: settlement.answered ? 1 : 0 };
  const hold = { jobId: settlement.jobId, tokens: settlement.reservedTokens };
  await Promise.all(scopes.map((scope) => releaseHold(ref, owner, scope, day, hold, change, nowSeconds, within)));
}

type Placed = { readonly held: true } | { readonly held: false; readonly used: number };

/**
 * Adds the hold to one row unless that would pass `limit` (0: no limit). Held: written now, or by an earlier attempt
 * whose answer was lost. Not held: the limit refused it, with the row's tokens at that moment.
 */
async function placeHold(
  ref: TableRef,
  owner: BudgetOwner,
  scope: UsageScope,
  day: string,
  hold: Hold,
  limit: number,
  nowSeconds: number,
  within: CallLimits = {},
): Promise<Placed> {
  const Key = keyOf(owner, scope, day);
  const values: Record<string, unknown> = { ":tokens": { N: String(hold.tokens) }, ":expires": { N: String(nowSeconds + USAGE_KEEP_SECONDS) } };
  let condition = "attribute_not_exists(#hold)";
  if (limit > 0) {
    condition += " AND (attribute_not_exists(tokens) OR tokens <= :room)";
    values[":room"] = { N: String(limit - hold.tokens) };
  }
  try {
    await ref.call(
      "UpdateItem",
      {
        TableName: ref.table,
        Key,
        UpdateExpression: `ADD tokens :tokens SET ${TTL_ATTRIBUTE} = if_not_exists(${TTL_ATTRIBUTE}, :expires), #hold = :tokens`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { "#hold": holdName(hold.jobId) },
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
      within,
    );
    return { held: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Refused: by the limit, or because our own earlier attempt already placed this hold; the row says which.
    const row = await refusedItem(error, () => ref.call("GetItem", { TableName: ref.table, Key, ConsistentRead: true }, within));
    return row?.[holdName(hold.jobId)] ? { held: true } : { held: false, used: numberOf(row, "tokens") };
  }
}

/** Removes a job's hold from one row, applying `change` with it; a hold already removed changes nothing. */
async function releaseHold(
  ref: TableRef,
  owner: BudgetOwner,
  scope: UsageScope,
  day: string,
  hold: Hold,
  change: { tokens: number; answered?: number },
  nowSeconds: number,
  within: CallLimits = {},
): Promise<void> {
  const values: Record<string, unknown> = { ":tokens": { N: String(change.tokens) } };
  let update = "ADD tokens :tokens";
  if (change.answered) {
    update += ", answered :answered";
    values[":answered"] = { N: String(change.answered) };
  }
  try {
    await ref.call(
      "UpdateItem",
      {
        TableName: ref.table,
        Key: keyOf(owner, scope, day),
        UpdateExpression: `${update} REMOVE #hold`,
        ConditionExpression: "attribute_exists(#hold)",
        ExpressionAttributeNames: { "#hold": holdName(hold.jobId) },
        ExpressionAttributeValues: values,
      },
      within,
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
