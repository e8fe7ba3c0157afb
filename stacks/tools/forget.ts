import { dynamoCall } from "../../handler/aws/dynamodb.js";
import { callerAccount } from "../../handler/aws/callerAccount.js";
import { AwsCallError } from "../../handler/errors.js";
import { forgetPerson } from "../../handler/store/forgetPerson.js";
import { parseEnvironments, StackConfigError } from "../config.js";
import { loadSettings } from "../settings.js";

/**
 * `npm run forget -- <env> <tenant id> <user id>`: deletes one person's conversations and daily usage rows from the
 * environment's table (docs/privacy.md), with the operator's AWS credentials, after checking they belong to the
 * environment's account. Prints counts, never content.
 */
class UsageError extends Error {}

const USAGE = "usage: npm run forget -- <environment> <tenant id> <user id>   (ids as Dooray sends them: digits)";

async function main([environment, tenantId, userId]: string[]): Promise<void> {
  if (!environment || !tenantId || !userId) throw new UsageError(USAGE);
  if (!/^\d{1,30}$/.test(tenantId) || !/^\d{1,30}$/.test(userId)) throw new UsageError(`tenant and user ids are digits\n${USAGE}`);
  const env = parseEnvironments(loadSettings().environments).find((candidate) => candidate.name === environment);
  if (!env) throw new UsageError(`no environment "${environment}" in the settings`);
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) throw new UsageError(`AWS credentials are not in the environment (account ${env.accountId} expected)`);
  const awsEnv = { ...process.env, AWS_REGION: env.region };
  const account = await callerAccount(awsEnv);
  if (account !== env.accountId) throw new UsageError(`these credentials are for account ${account}, but environment ${env.name} deploys to ${env.accountId}; nothing was deleted`);
  const table = `dooray-gpt-${env.name}`;
  const forgotten = await forgetPerson({ call: dynamoCall(awsEnv), table }, tenantId, userId, Date.now(), env.budgets.timeZone);
  console.log(
    `forgot user ${userId} of tenant ${tenantId} in ${table}: ${forgotten.conversations} conversation(s), ${forgotten.usageDays} day(s) of usage. ` +
      `Channel totals keep their counts (no person in them).` +
      (env.table.pointInTimeRecovery ? " Point-in-time recovery can still restore the deleted rows for up to 35 days." : "") +
      " Log lines keep the user id (no text) until their retention ends.",
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof StackConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof AwsCallError) {
    console.error(`${error.service} ${error.code === "NetworkError" ? "could not be reached" : `refused: ${error.code} (HTTP ${error.status})`}; what was deleted before stays deleted, and running the command again finishes the rest`);
    process.exit(1);
  }
  console.error(`failed: ${error instanceof Error ? error.name : "error"}`);
  process.exit(1);
});
