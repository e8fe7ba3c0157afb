import { awsRequest } from "./awsRequest.js";

/**
 * STS GetCallerIdentity (query protocol): the account the credentials in `env` belong to. Any credentials may call
 * it, and it changes nothing, so an operator's command can check it is about to write to the right account. Used
 * by the operator's commands, never by the functions.
 */
export async function callerAccount(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const response = await awsRequest(
    "sts",
    "/",
    { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    "Action=GetCallerIdentity&Version=2011-06-15",
    env,
  );
  const account = /<Account>(\d{12})<\/Account>/.exec(response.body)?.[1];
  if (!account) throw new Error("STS answered without an account id");
  return account;
}
