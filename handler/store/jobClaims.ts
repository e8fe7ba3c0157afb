import { JOB_CLAIM_KEEP_SECONDS, PARTITION_KEY, TTL_ATTRIBUTE, jobKey } from "./tableKeys.js";
import { isConditionFailure, type TableRef } from "./tableRef.js";

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
    });
    return "claimed";
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = await ref.call("GetItem", { TableName: ref.table, Key, ConsistentRead: true });
  const holder = ((existing.Item as Record<string, { S?: string }> | undefined)?.owner)?.S;
  return holder === owner ? "claimed" : "claimedElsewhere";
}
