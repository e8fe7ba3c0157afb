import { createInterface } from "node:readline";
import { endpointOf } from "../../handler/aws/awsRequest.js";
import { callerAccount } from "../../handler/aws/callerAccount.js";
import { putSecretValue } from "../../handler/aws/putSecretValue.js";
import { AwsCallError } from "../../handler/errors.js";
import { parseEnvironments, StackConfigError } from "../config.js";
import { loadSettings } from "../settings.js";
import { modelKeyOf, secretNameOf, SECRET_KEYS, type SecretKey } from "../secretNames.js";

/**
 * `npm run secret -- put <env> <openai-api-key|dooray-app-token|dooray-api-token|model-key-<endpoint>>`: writes a new value of one secret with
 * PutSecretValue, signed like the functions' own calls (SigV4 from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN). The value is read from the terminal without echo, or from stdin when piped, so it never
 * appears in shell history, a process list, Terraform state, a plan or a log. Only that one secret changes.
 */
class UsageError extends Error {}

const USAGE = `usage: npm run secret -- put <environment> <${SECRET_KEYS.join("|")}|model-key-<endpoint>>
  the value is read from the terminal (not echoed) or from stdin:  pbpaste | npm run secret -- put prod openai-api-key
  credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN in the environment, e.g. with the
    AWS CLI v2 (2.9 or later):  eval "$(aws configure export-credentials --profile <profile> --format env)"
    or export the three variables by hand (from your SSO portal's "Command line access", say)`;

async function main(args: string[]): Promise<void> {
  const [verb, environment, key] = args;
  if (verb !== "put" || !environment || !key) throw new UsageError(USAGE);
  const modelKey = key.startsWith("model-key-");
  if (!(SECRET_KEYS as readonly string[]).includes(key) && !modelKey)
    throw new UsageError(`unknown secret "${key}"; one of: ${SECRET_KEYS.join(", ")}, model-key-<endpoint>`);
  const settings = loadSettings();
  console.error(`settings: ${settings.source}`);
  const env = parseEnvironments(settings.environments).find((candidate) => candidate.name === environment);
  if (!env) throw new UsageError(`no environment "${environment}" in the settings`);
  const keyed = env.modelEndpoints.filter((endpoint) => endpoint.auth === "apiKey").map((endpoint) => modelKeyOf(endpoint.name));
  if (modelKey && !keyed.includes(key as SecretKey))
    throw new UsageError(
      `environment ${env.name} has no endpoint with that key; its model-key secrets: ${keyed.join(", ") || "none (no modelEndpoints with auth apiKey)"}`,
    );
  if (key === "dooray-api-token" && !env.doorayApi)
    throw new UsageError(
      `environment ${env.name} has no doorayApi setting, so it has no dooray-api-token secret; set doorayApi ({} for the default host) and deploy first`,
    );
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
    throw new UsageError(`AWS credentials are not in the environment (account ${env.accountId} expected)\n${USAGE}`);
  }
  // The provider's account guard protects a deploy; this one protects a value from landing in the wrong account.
  const account = await callerAccount({ ...process.env, AWS_REGION: env.region });
  if (account !== env.accountId)
    throw new UsageError(`these credentials are for account ${account}, but environment ${env.name} deploys to ${env.accountId}; nothing was written`);
  const secretId = secretNameOf(env.name, key as SecretKey);
  const value = (process.stdin.isTTY ? await readHidden(`new value of ${secretId} (not shown): `) : await readAll()).trim();
  if (value === "") throw new UsageError("the value is empty; nothing was written");
  const { versionId } = await putSecretValue(secretId, value, { ...process.env, AWS_REGION: env.region });
  console.log(`stored a new value of ${secretId} in ${env.region} (version ${versionId ?? "?"}); the functions use it within 5 minutes`);
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** One line from the terminal with echo off: what is typed or pasted never appears on screen. */
function readHidden(prompt: string): Promise<string> {
  // terminal: true puts the terminal in raw mode (no echo by the terminal), and with no output stream readline
  // echoes nothing itself. Raw mode first, then the prompt: a value pasted right after the prompt is not echoed.
  const terminal = createInterface({ input: process.stdin, terminal: true });
  process.stderr.write(prompt);
  return new Promise((resolve) =>
    terminal.once("line", (line) => {
      terminal.close();
      process.stderr.write("\n");
      resolve(line);
    }),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof StackConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof AwsCallError && error.code === "NetworkError") {
    const cause = (error.cause as { code?: unknown } | undefined)?.code;
    console.error(
      `could not reach AWS (${error.service} at ${endpointOf(error.service, process.env)}${typeof cause === "string" ? `: ${cause}` : ""}); check the network or the AWS_ENDPOINT_URL_* settings. Nothing was written.`,
    );
    process.exit(1);
  }
  if (error instanceof AwsCallError) {
    // AWS's error code only: never the request, which holds the value.
    console.error(`Secrets Manager refused: ${error.code} (HTTP ${error.status}). Does the secret exist (deploy first), and may these credentials write it?`);
    process.exit(1);
  }
  console.error(`failed: ${error instanceof Error ? error.name : "error"}`);
  process.exit(1);
});
