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

export function numberOf(item: Record<string, unknown> | undefined, name: string): number {
  const value = (item?.[name] as { N?: unknown } | undefined)?.N;
  return typeof value === "string" ? Number(value) : 0;
}
