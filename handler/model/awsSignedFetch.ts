import { signV4, type AwsCredentials } from "../aws/sigv4.js";
import { sdkFetch } from "../net/sdkFetch.js";

type Env = Readonly<Record<string, string | undefined>>;

/** What the SDK is given as its key for an `aws` endpoint: never sent, the signature replaces it. */
export const AWS_SIGNED = "aws-sigv4";

/**
 * The `fetch` for an endpoint with `auth: "aws"` (Amazon Bedrock's OpenAI-compatible API): each request signed with
 * SigV4 for the service `bedrock`, with the worker role's credentials as Lambda puts them in the environment (read
 * at each request: Lambda refreshes them). The SDK's `Authorization: Bearer` is replaced by the signature. Chosen
 * over a short-term Bedrock API key, which is itself a presigned SigV4 URL: the same signing work, and one header
 * the less to keep fresh (npm run bench: "aws-signed request").
 */
export function awsSignedFetch(region: string, env: Env = process.env, send: typeof sdkFetch = sdkFetch): typeof sdkFetch {
  return (input, init = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const body = typeof init.body === "string" ? init.body : "";
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      if (name !== "authorization") headers[name] = value;
    });
    // Only content-type joins what SigV4 signs by itself (host, x-amz-date, the session token): the SDK's other
    // headers may change between its retries, and an unsigned header does not spoil a signature.
    const signed = signV4(
      { method: init.method ?? "POST", url, headers: { "content-type": headers["content-type"] ?? "application/json" }, body, service: "bedrock", region },
      credentialsOf(env),
      new Date(),
    );
    return send(url, { ...init, headers: { ...headers, ...signed } });
  };
}

export function credentialsOf(env: Env): AwsCredentials {
  return { accessKeyId: env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "", sessionToken: env.AWS_SESSION_TOKEN };
}
