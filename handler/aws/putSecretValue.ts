import { awsRequest } from "./awsRequest.js";

/**
 * Secrets Manager PutSecretValue (JSON 1.1 protocol): a new version of a string secret. The new value becomes
 * AWSCURRENT and the one before it AWSPREVIOUS, which is what lets a rotation of the app token drop no job. Used by
 * `npm run secret`, never by the functions (their roles may only read).
 */
export async function putSecretValue(
  secretId: string,
  value: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ versionId: string | undefined }> {
  const response = await awsRequest(
    "secretsmanager",
    "/",
    { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.PutSecretValue" },
    JSON.stringify({ SecretId: secretId, SecretString: value }),
    env,
  );
  const result = JSON.parse(response.body) as { VersionId?: unknown };
  return { versionId: typeof result.VersionId === "string" ? result.VersionId : undefined };
}
