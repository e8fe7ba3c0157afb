import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

/** The same read with the AWS SDK's DynamoDB client. */
export async function handler(): Promise<unknown> {
  const client = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  return client.send(new GetItemCommand({ TableName: process.env.BOT_TABLE, Key: { pk: { S: "usage#1#user#3#2026-11-25" } }, ConsistentRead: true }));
}
