import type { DynamoCall } from "../aws/dynamodb.js";

/** Where the bot's rows live: a bound DynamoDB call (AWS, or the local server) and the table's name. */
export interface TableRef {
  readonly call: DynamoCall;
  readonly table: string;
}

/** DynamoDB's answer when a condition refuses a write: a budget is full, a job already claimed. */
export function isConditionFailure(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ConditionalCheckFailedException";
}

/**
 * The item a refused conditional write found, without a second read: DynamoDB returns it with the refusal when the
 * write asked for it (ReturnValuesOnConditionCheckFailure: ALL_OLD, as Powertools' idempotency layer does); a table
 * that does not (the local one) leaves the caller to read it, `read` here.
 */
export async function refusedItem(error: unknown, read: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown> | undefined> {
  const item = (error as { item?: Record<string, unknown> } | null)?.item;
  if (item) return item;
  return (await read()).Item as Record<string, unknown> | undefined;
}

export function numberOf(item: Record<string, unknown> | undefined, name: string): number {
  const value = (item?.[name] as { N?: unknown } | undefined)?.N;
  return typeof value === "string" ? Number(value) : 0;
}
