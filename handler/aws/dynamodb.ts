import { awsRequest, type CallLimits } from "./awsRequest.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The few DynamoDB actions the bot uses (JSON 1.0 protocol). CreateTable is for the local table only, DeleteItem for `npm run forget`. */
export type DynamoAction = "GetItem" | "BatchGetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "CreateTable";

/** A DynamoDB call bound to its endpoint and credentials: what the store is given, in AWS and locally alike. */
export type DynamoCall = (action: DynamoAction, input: Record<string, unknown>, limits?: CallLimits) => Promise<Record<string, unknown>>;

/**
 * DynamoDB over the project's own SigV4 client rather than the AWS SDK's DynamoDB client: the edge reads usage on
 * its cold path, where the SDK client costs tens of milliseconds to load (npm run bench:libraries). A refused
 * condition arrives as an AwsCallError with code ConditionalCheckFailedException.
 */
export function dynamoCall(env: Env = process.env): DynamoCall {
  return async (action, input, limits = {}) => {
    const response = await awsRequest(
      "dynamodb",
      "/",
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${action}` },
      JSON.stringify(input),
      env,
      limits,
    );
    return JSON.parse(response.body) as Record<string, unknown>;
  };
}
