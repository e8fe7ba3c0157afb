import { SignatureV4 } from "@smithy/signature-v4";
import { httpRequest } from "../../handler/net/httpRequest.js";
import { Sha256 } from "../../test/support/nodeSha256.js";

/** The same read signed by the AWS SDK's standalone signer, over the same node:http transport. */
export async function handler(): Promise<unknown> {
  const url = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  const body = JSON.stringify({ TableName: process.env.BOT_TABLE, Key: { pk: { S: "usage#1#user#3#2026-11-25" } }, ConsistentRead: true });
  const signer = new SignatureV4({
    service: "dynamodb",
    region: process.env.AWS_REGION!,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.GetItem" },
    body,
  });
  const response = await httpRequest(url, body, { headers: signed.headers as Record<string, string>, timeoutMs: 5_000, maxResponseBytes: 65_536 });
  return JSON.parse(response.body);
}
