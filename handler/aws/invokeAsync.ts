import { endpointOf, signedFetch } from "./signedFetch.js";

/** Lambda Invoke with InvocationType Event: AWS queues the payload and answers 202 at once. */
export async function invokeAsync(functionName: string, payload: unknown, env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  const url = `${endpointOf("lambda", env)}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
  const response = await signedFetch(
    "lambda",
    url,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
      body: JSON.stringify(payload),
    },
    env,
  );
  await response.body?.cancel();
}
