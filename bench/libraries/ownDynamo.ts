import { dynamoCall } from "../../handler/aws/dynamodb.js";

/** The edge's table read with the project's own SigV4 signer over node:http. */
export async function handler(): Promise<unknown> {
  return dynamoCall(process.env)("GetItem", { TableName: process.env.BOT_TABLE, Key: { pk: { S: "usage#1#user#3#2026-11-25" } }, ConsistentRead: true });
}
