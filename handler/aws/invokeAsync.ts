import { awsRequest } from "./awsRequest.js";

/** Lambda Invoke with InvocationType Event: AWS queues the payload and answers 202 at once, with an empty body. */
export async function invokeAsync(functionName: string, payload: unknown, env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  await awsRequest(
    "lambda",
    `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    { "content-type": "application/json", "x-amz-invocation-type": "Event" },
    JSON.stringify(payload),
    env,
    {},
    true,
  );
}
