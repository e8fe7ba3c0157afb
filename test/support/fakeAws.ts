import type { ServerResponse } from "node:http";
import { listen, readBody, type Listening, type Tls } from "./listen.js";

/** A request as AWS would have received it. */
export interface AwsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface AwsFailure {
  readonly status: number;
  readonly type: string;
  /** GetSecretValue only: fail for this secret alone. */
  readonly secretId?: string;
}

/**
 * The AWS APIs we call, on loopback: Lambda Invoke (REST, `/2015-03-31/functions/<name>/invocations`), Secrets
 * Manager GetSecretValue with version stages and PutSecretValue (JSON 1.1, `x-amz-target`), STS GetCallerIdentity. Requests without a SigV4 Authorization header are
 * refused as AWS would. `onInvoke` lets a test run the invoked function, as Lambda would, after the 202.
 */
export interface FakeAws extends Listening {
  readonly requests: AwsRequest[];
  /** Values at AWSCURRENT, by secret id. */
  readonly secrets: Map<string, string>;
  /** Values at AWSPREVIOUS (a rotated secret), by secret id. */
  readonly previousSecrets: Map<string, string>;
  failInvoke: AwsFailure | undefined;
  failGetSecret: AwsFailure | undefined;
  failPutSecret: AwsFailure | undefined;
  onInvoke: ((functionName: string, payload: unknown) => void) | undefined;
  callerAccount: string;
}

/** With `tls`, it speaks HTTPS, as the real endpoints do. */
export async function startFakeAws(tls?: Tls): Promise<FakeAws> {
  const requests: AwsRequest[] = [];
  const state = {
    secrets: new Map<string, string>(),
    previousSecrets: new Map<string, string>(),
    failInvoke: undefined as AwsFailure | undefined,
    failGetSecret: undefined as AwsFailure | undefined,
    failPutSecret: undefined as AwsFailure | undefined,
    onInvoke: undefined as FakeAws["onInvoke"],
    /** The account STS GetCallerIdentity names (the sample dev's by default). */
    callerAccount: "111111111111",
  };
  const listening = await listen((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = request.url ?? "/";
      requests.push({ method: request.method ?? "", path, headers: request.headers, body });
      if (!/^AWS4-HMAC-SHA256 Credential=\S+, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/.test(request.headers.authorization ?? "")) {
        return awsError(response, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
      }
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
      if (request.method === "POST" && invoke) {
        if (state.failInvoke) return awsError(response, state.failInvoke.status, state.failInvoke.type, "fake failure", true);
        response.writeHead(request.headers["x-amz-invocation-type"] === "Event" ? 202 : 200).end();
        state.onInvoke?.(decodeURIComponent(invoke[1]!), JSON.parse(body));
        return;
      }
      if (request.method === "POST" && path === "/" && /(^|&)Action=GetCallerIdentity(&|$)/.test(body)) {
        response
          .writeHead(200, { "content-type": "text/xml" })
          .end(
            `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${state.callerAccount}:user/operator</Arn><UserId>AIDAOPERATOR</UserId><Account>${state.callerAccount}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
          );
        return;
      }
      if (request.method === "POST" && path === "/" && request.headers["x-amz-target"] === "secretsmanager.GetSecretValue") {
        const { SecretId, VersionStage = "AWSCURRENT" } = JSON.parse(body) as { SecretId: string; VersionStage?: string };
        const failure = state.failGetSecret;
        if (failure && (!failure.secretId || failure.secretId === SecretId)) return awsError(response, failure.status, failure.type, "fake failure");
        const value = (VersionStage === "AWSPREVIOUS" ? state.previousSecrets : state.secrets).get(SecretId);
        if (value === undefined) return awsError(response, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        response.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
          JSON.stringify({
            ARN: SecretId,
            Name: SecretId.split(":").pop(),
            SecretString: value,
            VersionId: VersionStage === "AWSPREVIOUS" ? "v1" : "v2",
            VersionStages: [VersionStage],
          }),
        );
        return;
      }
      if (request.method === "POST" && path === "/" && request.headers["x-amz-target"] === "secretsmanager.PutSecretValue") {
        const { SecretId, SecretString } = JSON.parse(body) as { SecretId: string; SecretString: string };
        const failure = state.failPutSecret;
        if (failure) return awsError(response, failure.status, failure.type, "fake failure");
        const current = state.secrets.get(SecretId);
        if (current !== undefined) state.previousSecrets.set(SecretId, current);
        state.secrets.set(SecretId, SecretString);
        response.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
          JSON.stringify({
            ARN: `arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:${SecretId}-AbCdEf`,
            Name: SecretId,
            VersionId: "v-new",
            VersionStages: ["AWSCURRENT"],
          }),
        );
        return;
      }
      awsError(response, 404, "UnknownOperationException", "unknown operation");
    })();
  }, tls);
  return Object.assign(state, listening, { requests }) as FakeAws;
}

/** AWS JSON errors: `__type` in the body; the Lambda REST API also sets `x-amzn-errortype`. */
function awsError(response: ServerResponse, status: number, type: string, message: string, header = false): void {
  response
    .writeHead(status, { "content-type": "application/json", ...(header ? { "x-amzn-errortype": type } : {}) })
    .end(JSON.stringify({ __type: type, message, Message: message }));
}
