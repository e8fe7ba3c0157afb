import { createRequire } from "node:module";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dynamoCall, type DynamoCall } from "../aws/dynamodb.js";
import { AwsCallError } from "../errors.js";
import { PARTITION_KEY } from "../store/tableKeys.js";

/** The table's definition, as the stack creates it in AWS (stacks/BotTable.ts): one string partition key. */
export function createTableInput(table: string): Record<string, unknown> {
  return {
    TableName: table,
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: "S" }],
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  };
}

export interface LocalTable {
  readonly table: string;
  /** The DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB for anything else that should use this table). */
  readonly endpoint: string;
  readonly call: DynamoCall;
  readonly close: () => Promise<void>;
}

type Dynalite = (options: { path?: string; createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

/**
 * A real DynamoDB API on loopback: dynalite, an implementation of DynamoDB's wire protocol, in memory unless `path`
 * names a folder to keep the rows in (`npm run try` keeps them between runs). The table is created at once.
 */
export async function startLocalTable(options: { path?: string; table?: string } = {}): Promise<LocalTable> {
  const dynalite = createRequire(import.meta.url)("dynalite") as Dynalite;
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const table = options.table ?? "dooray-gpt-local";
  const call = dynamoCall(localCredentials(endpoint));
  await createTableIfMissing(call, table);
  return { table, endpoint, call, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Any credentials do for a local DynamoDB server; the region is part of what it signs against. */
export function localCredentials(endpoint: string): Record<string, string> {
  return { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: "ap-northeast-2", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };
}

export async function createTableIfMissing(call: DynamoCall, table: string): Promise<void> {
  try {
    await call("CreateTable", createTableInput(table));
  } catch (error) {
    if (!(error instanceof AwsCallError && error.code === "ResourceInUseException")) throw error;
  }
}
