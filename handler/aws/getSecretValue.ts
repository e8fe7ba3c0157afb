import { awsRequest } from "./awsRequest.js";

/** Secrets Manager GetSecretValue (JSON 1.1 protocol) for a string secret. */
export async function getSecretValue(secretId: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  const response = await awsRequest(
    "secretsmanager",
    "/",
    { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" },
    JSON.stringify({ SecretId: secretId }),
    env,
  );
  const result = JSON.parse(response.body) as { SecretString?: unknown };
  return typeof result.SecretString === "string" && result.SecretString !== "" ? result.SecretString : undefined;
}
