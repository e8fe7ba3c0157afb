import { AwsCallError } from "../errors.js";
import { awsRequest } from "./awsRequest.js";

/**
 * Secrets Manager GetSecretValue (JSON 1.1 protocol) for a string secret. A secret created without a value (the
 * stack's default: the operator sets it out of band) answers ResourceNotFoundException: that is "not configured",
 * undefined here, not a failure, and so is a secret never rotated asked for AWSPREVIOUS; access denied,
 * throttling and the like still throw.
 */
export async function getSecretValue(
  secretId: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  versionStage: "AWSCURRENT" | "AWSPREVIOUS" = "AWSCURRENT",
): Promise<string | undefined> {
  const response = await awsRequest(
    "secretsmanager",
    "/",
    { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" },
    JSON.stringify(versionStage === "AWSCURRENT" ? { SecretId: secretId } : { SecretId: secretId, VersionStage: versionStage }),
    env,
  ).catch((error: unknown) => {
    if (error instanceof AwsCallError && error.code === "ResourceNotFoundException") return undefined;
    throw error;
  });
  if (!response) return undefined;
  const result = JSON.parse(response.body) as { SecretString?: unknown };
  return typeof result.SecretString === "string" && result.SecretString !== "" ? result.SecretString : undefined;
}
