import { dynamoCall } from "../../handler/aws/dynamodb.js";
import { callerAccount } from "../../handler/aws/callerAccount.js";
import { AwsCallError } from "../../handler/errors.js";
import { forgetPerson } from "../../handler/store/forgetPerson.js";
import { parseEnvironments, StackConfigError } from "../config.js";
import { loadSettings } from "../settings.js";

/**
 * `npm run forget -- <env> <tenant id> <user id> [--second-pass-after <seconds>]`: deletes one person's conversations
 * and daily usage rows from the environment's table (docs/privacy.md), with the operator's AWS credentials, after
 * checking they belong to the environment's account. It marks the person forgotten first, deletes, then waits out
 * any answer already being written (the worker's timeout, unless told otherwise) and deletes again. Prints counts,
 * never content.
 */
class UsageError extends Error {}

const USAGE = "usage: npm run forget -- <environment> <tenant id> <user id> [--second-pass-after <seconds>]   (ids as Dooray sends them: digits)";

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const flagAt = args.indexOf("--second-pass-after");
  const waitArg = flagAt >= 0 ? args.splice(flagAt, 2)[1] : undefined;
  if (flagAt >= 0 && !/^\d{1,4}$/.test(waitArg ?? "")) throw new UsageError(`--second-pass-after takes whole seconds\n${USAGE}`);
  const [environment, tenantId, userId] = args;
  if (!environment || !tenantId || !userId || args.length > 3) throw new UsageError(USAGE);
  if (!/^\d{1,30}$/.test(tenantId) || !/^\d{1,30}$/.test(userId)) throw new UsageError(`tenant and user ids are digits\n${USAGE}`);
  const settings = loadSettings();
  console.error(`settings: ${settings.source}`);
  const env = parseEnvironments(settings.environments).find((candidate) => candidate.name === environment);
  if (!env) throw new UsageError(`no environment "${environment}" in the settings`);
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY)
    throw new UsageError(`AWS credentials are not in the environment (account ${env.accountId} expected)`);
  const awsEnv = { ...process.env, AWS_REGION: env.region };
  const account = await callerAccount(awsEnv);
  if (account !== env.accountId)
    throw new UsageError(`these credentials are for account ${account}, but environment ${env.name} deploys to ${env.accountId}; nothing was deleted`);
  const table = `dooray-gpt-${env.name}`;
  // Every job issued before the mark ends within the worker's timeout; a little more covers clocks and delivery.
  const waitSeconds = waitArg === undefined ? env.worker.timeoutSeconds + 10 : Number(waitArg);
  const untilJobsEnd = async () => {
    if (waitSeconds === 0) return;
    console.error(`marked forgotten; waiting ${waitSeconds} s for answers already being written (the worker's timeout), then a second pass…`);
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  };
  const forgotten = await forgetPerson({ call: dynamoCall(awsEnv), table }, tenantId, userId, Date.now(), env.budgets.timeZone, {}, untilJobsEnd);
  console.log(
    `forgot user ${userId} of tenant ${tenantId} in ${table}: ${forgotten.conversations} conversation(s), ${forgotten.usageDays} day(s) of usage; ` +
      `second pass after ${waitSeconds} s: ${forgotten.secondPass} conversation(s) written meanwhile. Jobs issued before now store nothing more of theirs. ` +
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
    console.error(
      `${error.service} ${error.code === "NetworkError" ? "could not be reached" : `refused: ${error.code} (HTTP ${error.status})`}; what was deleted before stays deleted, and running the command again finishes the rest`,
    );
    process.exit(1);
  }
  console.error(`failed: ${error instanceof Error ? error.name : "error"}`);
  process.exit(1);
});
