import { describe, expect, it } from "vitest";
import { dynamoCall } from "../../handler/aws/dynamodb.js";
import { AwsCallError } from "../../handler/errors.js";
import { placeHolds } from "../../handler/store/budgets.js";
import { claimJob } from "../../handler/store/jobClaims.js";
import type { TableRef } from "../../handler/store/tableRef.js";
import { listen, readBody } from "../support/listen.js";

const owner = { tenantId: "1", channelId: "2", userId: "3" };

/** A table whose conditional writes are all refused, returning the row as DynamoDB does with ALL_OLD; every call recorded. */
function refusingTable(item: Record<string, unknown>): TableRef & { readonly actions: string[] } {
  const actions: string[] = [];
  return {
    table: "t",
    actions,
    call: async (action, input) => {
      actions.push(action);
      if (input.ReturnValuesOnConditionCheckFailure !== "ALL_OLD") throw new Error(`${action} did not ask for the refused row`);
      throw new AwsCallError("dynamodb", "ConditionalCheckFailedException", 400, { item });
    },
  };
}

describe("a refused conditional write names the row it was refused on (ReturnValuesOnConditionCheckFailure: ALL_OLD)", () => {
  it("a budget's refusal is judged on that row, with no second read", async () => {
    const table = refusingTable({ pk: { S: "usage#1#user#3#2026-12-05" }, tokens: { N: "9000" } });
    const refused = await placeHolds(table, owner, "2026-12-05", { jobId: "job-1", tokens: 2000 }, { user: 10_000, channel: 0 }, 0);
    expect(refused).toEqual({ ok: false, scope: "user", limit: 10_000, used: 9000, needed: 2000 });
    expect(table.actions).toEqual(["UpdateItem", "UpdateItem"]);
  });

  it("a job already claimed is told apart from our own earlier claim on that row, with no second read", async () => {
    expect(await claimJob(refusingTable({ owner: { S: "another-delivery" } }), "job-1", "this-delivery", 0)).toBe("claimedElsewhere");
    const ours = refusingTable({ owner: { S: "this-delivery" } });
    expect(await claimJob(ours, "job-1", "this-delivery", 0)).toBe("claimed");
    expect(ours.actions).toEqual(["PutItem"]);
  });

  it("the DynamoDB client reads the row from the refusal's body", async () => {
    const server = await listen((request, response) => {
      void readBody(request).then(() =>
        response.writeHead(400, { "content-type": "application/x-amz-json-1.0" }).end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
            message: "The conditional request failed",
            Item: { owner: { S: "x" } },
          }),
        ),
      );
    });
    try {
      const call = dynamoCall({
        AWS_ENDPOINT_URL_DYNAMODB: server.url,
        AWS_REGION: "ap-northeast-2",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
      });
      const refused = await call("PutItem", { TableName: "t" }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: "ConditionalCheckFailedException", item: { owner: { S: "x" } } });
    } finally {
      await server.close();
    }
  });
});
