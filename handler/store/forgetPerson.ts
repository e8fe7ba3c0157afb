import type { CallLimits } from "../aws/awsRequest.js";
import { budgetDay } from "./budgetDay.js";
import { markForgotten } from "./conversations.js";
import { PARTITION_KEY, USAGE_KEEP_SECONDS, conversationKey, personKey, usageKey } from "./tableKeys.js";
import { isConditionFailure, type TableRef } from "./tableRef.js";

export interface Forgotten {
  readonly conversations: number;
  readonly usageDays: number;
  /** Conversations a job already under way wrote after the first pass, deleted by the second. */
  readonly secondPass: number;
}

/**
 * Deletes what the table keeps of one person, by key alone (no scan): their conversations (listed on their
 * `person#` row, each deleted only if it is theirs), that row, and their daily usage rows of every day still kept.
 * Channel rows stay: they count tokens and answers by channel, with no person in them.
 *
 * The person is marked forgotten first (markForgotten): a job issued before that stores nothing more of theirs. A job
 * that passed that check just before it may still be writing its conversation, so the conversations are deleted
 * twice: once now, and again once `untilJobsEnd` resolves (the CLI waits the worker's timeout: every job issued
 * before the mark has ended by then).
 */
export async function forgetPerson(
  ref: TableRef,
  tenantId: string,
  userId: string,
  nowMs: number,
  timeZone: string,
  within: CallLimits = {},
  untilJobsEnd: () => Promise<void> = async () => undefined,
): Promise<Forgotten> {
  const person = { [PARTITION_KEY]: { S: personKey(tenantId, userId) } };
  await markForgotten(ref, tenantId, userId, nowMs, within);
  const index = await ref.call("GetItem", { TableName: ref.table, Key: person, ConsistentRead: true }, within);
  const ids = ((index.Item as Record<string, { SS?: string[] }> | undefined)?.conversations?.SS ?? []) as string[];
  const conversations = await deleteConversations(ref, ids, tenantId, userId, within);
  await untilJobsEnd();
  const again = await ref.call("GetItem", { TableName: ref.table, Key: person, ConsistentRead: true }, within);
  const late = ((again.Item as Record<string, { SS?: string[] }> | undefined)?.conversations?.SS ?? []) as string[];
  const secondPass = await deleteConversations(ref, [...new Set([...ids, ...late])], tenantId, userId, within);
  // The mark stays (it expires on its own); the list of conversations goes.
  await ref.call("UpdateItem", { TableName: ref.table, Key: person, UpdateExpression: "REMOVE conversations" }, within);
  let usageDays = 0;
  // Every day a usage row can still be kept, and today.
  for (let daysAgo = 0; daysAgo <= USAGE_KEEP_SECONDS / 86_400; daysAgo++) {
    const day = budgetDay(nowMs - daysAgo * 86_400_000, timeZone);
    const deleted = await ref.call(
      "DeleteItem",
      { TableName: ref.table, Key: { [PARTITION_KEY]: { S: usageKey("user", tenantId, userId, day) } }, ReturnValues: "ALL_OLD" },
      within,
    );
    if (deleted.Attributes) usageDays++;
  }
  return { conversations, usageDays, secondPass };
}

/** Deletes each conversation that is this person's; returns how many there were. */
async function deleteConversations(ref: TableRef, ids: readonly string[], tenantId: string, userId: string, within: CallLimits): Promise<number> {
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
  return conversations;
}
