import { AwsCallError } from "../errors.js";
import { httpRequest } from "../net/httpRequest.js";
import { signV4 } from "./sigv4.js";

type Env = Readonly<Record<string, string | undefined>>;
type Service = "lambda" | "secretsmanager" | "dynamodb" | "sts";

const ENDPOINT_OVERRIDE: Record<Service, string> = {
  lambda: "AWS_ENDPOINT_URL_LAMBDA",
  secretsmanager: "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  dynamodb: "AWS_ENDPOINT_URL_DYNAMODB",
  sts: "AWS_ENDPOINT_URL_STS",
};

export interface AwsResponse {
  readonly status: number;
  readonly body: string;
}

/** How long one AWS call may take before the person is told something went wrong (callers may ask for less). */
const TIMEOUT_MS = 5_000;
/** Our calls' answers are small (a secret, an error); anything bigger is not an answer we want. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** The service endpoint: AWS's standard endpoint-override variables first (the AWS SDKs honour the same). */
export function endpointOf(service: Service, env: Env): string {
  const override = env[ENDPOINT_OVERRIDE[service]];
  const base = override || env.AWS_ENDPOINT_URL || `https://${service}.${regionOf(env)}.amazonaws.com`;
  return base.replace(/\/+$/, "");
}

function regionOf(env: Env): string {
  return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** How long a call may take: each attempt at most `timeoutMs`, and all of them over by `deadlineAt` (epoch ms). */
export interface CallLimits {
  readonly timeoutMs?: number | undefined;
  readonly deadlineAt?: number | undefined;
}

/** An attempt is not started with less time than this left before the deadline. */
const MIN_ATTEMPT_MS = 50;

/**
 * A SigV4-signed call with the function's own credentials (Lambda puts them in the environment), over node:http(s).
 * One quick retry on throttling, 5xx or a network error, within the deadline; any lasting failure becomes an
 * AwsCallError carrying AWS's error code, for the caller to turn into a message for the person. A retried write may
 * have been applied by the attempt whose answer was lost: callers make their writes idempotent (conditions on a
 * per-job marker) rather than trust that it was not.
 */
export async function awsRequest(
  service: Service,
  path: string,
  headers: Record<string, string>,
  body: string,
  env: Env = process.env,
  limits: CallLimits = {},
  /** A success answer's body is not read (an asynchronous Invoke's 202); an error's always is, for its code. */
  successBodyUnused = false,
): Promise<AwsResponse> {
  const url = new URL(endpointOf(service, env) + path);
  const timeLeft = () => (limits.deadlineAt === undefined ? Number.POSITIVE_INFINITY : limits.deadlineAt - Date.now());
  let last: AwsCallError | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50));
    if (timeLeft() < MIN_ATTEMPT_MS) {
      last ??= new AwsCallError(service, "DeadlinePassed", 0);
      break;
    }
    const timeoutMs = Math.min(limits.timeoutMs ?? TIMEOUT_MS, timeLeft());
    const signed = signV4(
      { method: "POST", url, headers, body, service, region: regionOf(env) },
      { accessKeyId: env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "", sessionToken: env.AWS_SESSION_TOKEN },
      new Date(),
    );
    let response: AwsResponse;
    try {
      response = await send(url, signed, body, timeoutMs, successBodyUnused);
    } catch (cause) {
      last = new AwsCallError(service, "NetworkError", 0, { cause });
      continue;
    }
    if (response.status >= 200 && response.status < 300) return response;
    last = new AwsCallError(service, errorCode(response), response.status, { item: refusedItem(response) });
    if (response.status !== 429 && response.status < 500 && !/Throttl/.test(last.code)) break;
  }
  throw last!;
}

async function send(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, successBodyUnused: boolean): Promise<AwsResponse> {
  const readBodyOf = successBodyUnused ? (status: number) => status < 200 || status >= 300 : undefined;
  const { status, body: text } = await httpRequest(url, body, {
    headers,
    timeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    ...(readBodyOf ? { readBodyOf } : {}),
  });
  return { status, body: text };
}

/** The item a refused conditional write names (ReturnValuesOnConditionCheckFailure: ALL_OLD); undefined otherwise. */
function refusedItem(response: AwsResponse): Record<string, unknown> | undefined {
  if (response.status !== 400 || !response.body.includes('"Item"')) return undefined;
  try {
    const item = (JSON.parse(response.body) as { Item?: unknown }).Item;
    return item !== null && typeof item === "object" ? (item as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** AWS puts the error type in a header (REST APIs) or in the JSON body's `__type`, sometimes namespaced. */
function errorCode(response: AwsResponse): string {
  let type: string | undefined;
  try {
    const parsed = JSON.parse(response.body) as { __type?: unknown; code?: unknown };
    type = [parsed.__type, parsed.code].find((value): value is string => typeof value === "string");
  } catch {
    // not JSON: fall back to the status
  }
  return (type ?? `HTTP${response.status}`).split(":")[0]!.split("#").pop()!;
}
