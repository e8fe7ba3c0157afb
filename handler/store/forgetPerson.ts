import type { CallLimits } from "../aws/awsRequest.js";
import { budgetDay } from "./budgetDay.js";
import { PARTITION_KEY, USAGE_KEEP_SECONDS, conversationKey, personKey, usageKey } from "./tableKeys.js";
import { isConditionFailure, type TableRef } from "./tableRef.js";

export interface Forgotten {
  readonly conversations: number;
  readonly usageDays: number;
}

/**
 * Deletes what the table keeps of one person, by key alone (no scan): their conversations (listed on their
 * `person#` row, each deleted only if it is theirs), that row, and their daily usage rows of every day still kept.
 * Channel rows stay: they count tokens and answers by channel, with no person in them.
 */
export async function forgetPerson(ref: TableRef, tenantId: string, userId: string, nowMs: number, timeZone: string, within: CallLimits = {}): Promise<Forgotten> {
  const person = { [PARTITION_KEY]: { S: personKey(tenantId, userId) } };
  const index = await ref.call("GetItem", { TableName: ref.table, Key: person, ConsistentRead: true }, within);
  const ids = ((index.Item as Record<string, { SS?: string[] }> | undefined)?.conversations?.SS ?? []) as string[];
  let conversations = 0;
  for (const id of ids) {
    try {
      const deleted = await ref.call(
        "DeleteItem",
        {
          TableName: ref.table,
          Key: { [PARTITION_KEY]: { S: conversationKey(id) } },
          ConditionExpression: "tenantId = :tenant AND userId = :user",
          ExpressionAttributeValues: { ":tenant": { S: tenantId }, ":user": { S: userId } },
          ReturnValues: "ALL_OLD",
        },
        within,
      );
      if (deleted.Attributes) conversations++;
    } catch (error) {
      // Gone already (expired), or not this person's: nothing of theirs to delete.
      if (!isConditionFailure(error)) throw error;
    }
  }
  await ref.call("DeleteItem", { TableName: ref.table, Key: person }, within);
  let usageDays = 0;
  // Every day a usage row can still be kept, and today.
  for (let daysAgo = 0; daysAgo <= USAGE_KEEP_SECONDS / 86_400; daysAgo++) {
    const day = budgetDay(nowMs - daysAgo * 86_400_000, timeZone);
    const deleted = await ref.call("DeleteItem", { TableName: ref.table, Key: { [PARTITION_KEY]: { S: usageKey("user", tenantId, userId, day) } }, ReturnValues: "ALL_OLD" }, within);
    if (deleted.Attributes) usageDays++;
  }
  return { conversations, usageDays };
}
