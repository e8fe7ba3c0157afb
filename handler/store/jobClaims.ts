import { JOB_CLAIM_KEEP_SECONDS, PARTITION_KEY, TTL_ATTRIBUTE, jobKey } from "./tableKeys.js";
import type { CallLimits } from "../aws/awsRequest.js";
import { isConditionFailure, refusedItem, type TableRef } from "./tableRef.js";

export type Claim = "claimed" | "claimedElsewhere";

/**
 * Lambda delivers an asynchronous invocation at least once, so one job can reach two containers. The first to
 * write the job's row answers it; any other finds the row and stops. `owner` names this attempt: if our own write
 * landed but its answer was lost (and the call was retried), the row is ours, not another container's.
 */
export async function claimJob(ref: TableRef, jobId: string, owner: string, nowSeconds: number): Promise<Claim> {
  const Key = { [PARTITION_KEY]: { S: jobKey(jobId) } };
  try {
    await ref.call("PutItem", {
      TableName: ref.table,
      Item: { ...Key, owner: { S: owner }, claimedAt: { N: String(nowSeconds) }, [TTL_ATTRIBUTE]: { N: String(nowSeconds + JOB_CLAIM_KEEP_SECONDS) } },
      ConditionExpression: `attribute_not_exists(${PARTITION_KEY})`,
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
    return "claimed";
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await refusedItem(error, () => ref.call("GetItem", { TableName: ref.table, Key, ConsistentRead: true }));
    const holder = (existing as Record<string, { S?: string }> | undefined)?.owner?.S;
    return holder === owner ? "claimed" : "claimedElsewhere";
  }
}

/**
 * Records on the job's row that its worker reached its final message (delivered, or told why not). The on-failure
 * path reads it: a job whose worker finished must never have its answer replaced by a failure message, even when
 * the run was stopped afterwards (a slow table write after delivery, say).
 */
export async function markFinished(ref: TableRef, jobId: string, outcome: string, nowSeconds: number, within: CallLimits = {}): Promise<void> {
  await ref.call(
    "UpdateItem",
    {
      TableName: ref.table,
      Key: { [PARTITION_KEY]: { S: jobKey(jobId) } },
      UpdateExpression: "SET finishedAt = :at, outcome = :outcome",
      ExpressionAttributeValues: { ":at": { N: String(nowSeconds) }, ":outcome": { S: outcome } },
    },
    within,
  );
}

/** The outcome a worker recorded for this job, or undefined if none finished it (or it was never claimed). */
export async function finishedOutcome(ref: TableRef, jobId: string, within: CallLimits = {}): Promise<string | undefined> {
  const result = await ref.call("GetItem", { TableName: ref.table, Key: { [PARTITION_KEY]: { S: jobKey(jobId) } }, ConsistentRead: true }, within);
  const item = result.Item as Record<string, { S?: string; N?: string }> | undefined;
  return item?.finishedAt ? (item.outcome?.S ?? "finished") : undefined;
}

/** Whether a job with this id was ever claimed by a worker (a follow-up dialog's id names its one job). */
export async function jobClaimed(ref: TableRef, jobId: string, within: CallLimits = {}): Promise<boolean> {
  const result = await ref.call("GetItem", { TableName: ref.table, Key: { [PARTITION_KEY]: { S: jobKey(jobId) } }, ConsistentRead: true }, within);
  return result.Item !== undefined;
}
