import { AwsClient } from "aws4fetch";
import { AwsCallError } from "../errors.js";

type Env = Readonly<Record<string, string | undefined>>;
type Service = "lambda" | "secretsmanager";

let client: AwsClient | undefined;

/** The function's own credentials (Lambda sets them in the environment); one signer per container. */
function awsClient(env: Env): AwsClient {
  client ??= new AwsClient({
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
    sessionToken: env.AWS_SESSION_TOKEN,
    // One quick retry on 5xx/429; the caller turns a lasting failure into a message for the person.
    retries: 1,
    initRetryMs: 50,
  });
  return client;
}

/** For tests: forget the signer so the next call reads the environment again. */
export function resetAwsClient(): void {
  client = undefined;
}

/** The service endpoint: AWS's standard endpoint-override variables first (as the AWS SDKs honour them). */
export function endpointOf(service: Service, env: Env): string {
  const override = service === "lambda" ? env.AWS_ENDPOINT_URL_LAMBDA : env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  const base = override ?? env.AWS_ENDPOINT_URL ?? `https://${service}.${region(env)}.amazonaws.com`;
  return base.replace(/\/+$/, "");
}

function region(env: Env): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** A SigV4-signed request; an AWS error response becomes an AwsCallError with AWS's error code. */
export async function signedFetch(service: Service, url: string, init: RequestInit, env: Env = process.env): Promise<Response> {
  let response: Response;
  try {
    response = await awsClient(env).fetch(url, { ...init, aws: { service, region: region(env) } });
  } catch (cause) {
    throw new AwsCallError(service, "NetworkError", 0, { cause });
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => "");
  throw new AwsCallError(service, errorCode(response, text), response.status);
}

/** AWS puts the error type in a header or in the JSON body's `__type` (sometimes prefixed with a namespace). */
function errorCode(response: Response, body: string): string {
  const header = response.headers.get("x-amzn-errortype");
  let type = header ?? undefined;
  if (!type) {
    try {
      const parsed = JSON.parse(body) as { __type?: unknown; code?: unknown; Type?: unknown };
      type = [parsed.__type, parsed.code].find((value): value is string => typeof value === "string");
    } catch {
      // not JSON: fall through to the status
    }
  }
  return (type ?? `HTTP${response.status}`).split(":")[0]!.split("#").pop()!;
}
