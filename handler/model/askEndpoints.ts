import type { Logger } from "../log.js";
import { endpointFailureMetrics } from "../metrics.js";
import { askModel, type EndpointCall, type ModelAnswer, type ModelRequest } from "./askModel.js";
import { AWS_SIGNED, awsSignedFetch } from "./awsSignedFetch.js";
import { describeModelError } from "./classifyModelError.js";
import { bedrockRegionOf, type ModelEndpoint } from "./endpoints.js";
import { attemptOrder, failoverDecision, type FailoverReason } from "./failover.js";

type Env = Readonly<Record<string, string | undefined>>;

/** With another endpoint behind it, an endpoint gets this long to start answering before the next is asked. */
export const ATTEMPT_START_TIMEOUT_MS = 20_000;

/** One endpoint asked for one call: answered, or why it was passed over. */
export interface Attempt {
  readonly endpoint: string;
  readonly failed?: FailoverReason | "keyMissing" | "final";
}

/** What the failover loop needs from the worker: keys, the shared cooldowns, a clock and the log. */
export interface EndpointDeps {
  /** The key an `apiKey` endpoint is asked with; undefined when its secret holds none. */
  readonly keyFor: (endpoint: ModelEndpoint) => Promise<string | undefined>;
  readonly cooldowns: (names: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  readonly coolDown: (name: string, until: number) => Promise<void>;
  readonly now: () => number;
  readonly log: Logger;
  readonly environmentName: string;
  readonly jobId: string;
  /** Where an `aws` endpoint's credentials come from (Lambda's environment, a test's). */
  readonly awsEnv?: Env;
}

export type AskSettings = Parameters<typeof askModel>[2] & { readonly modelMaxRetries: number };

/** Every endpoint a call could go to failed before its first word; `last` is the last one's error. */
export class AllEndpointsFailed extends Error {
  override readonly name = "AllEndpointsFailed";
  constructor(readonly last: unknown) {
    super("every allowed model endpoint failed");
  }
}

/** A listed endpoint whose key secret holds no value yet. */
export class EndpointKeyMissing extends Error {
  override readonly name = "EndpointKeyMissing";
  readonly status = 401;
}

/**
 * Asks the route's endpoints in turn until one answers (docs/operations.md, "Model endpoints"): those cooling down
 * last, soonest free first. An endpoint that fails before any word reached the person, in a way another endpoint
 * could mend (failover.ts), is cooled down for every container and the next is asked; after the first word, or on
 * anything else, the error goes to the caller as it is. Each attempt is added to `attempts` as it ends, so the
 * closing log line has them whatever happens. A route of one endpoint is today's single call: no cooldown read, the
 * SDK's own retries.
 */
export async function askEndpoints(
  request: ModelRequest,
  endpoints: readonly ModelEndpoint[],
  settings: AskSettings,
  deps: EndpointDeps,
  attempts: Attempt[],
  onFieldFallback?: () => void,
): Promise<{ readonly answer: ModelAnswer; readonly endpoint: ModelEndpoint }> {
  const several = endpoints.length > 1;
  const cooling = several ? await deps.cooldowns(endpoints.map((endpoint) => endpoint.name)) : new Map<string, number>();
  const order = attemptOrder(endpoints, cooling, deps.now());
  let last: unknown;
  for (const [index, endpoint] of order.entries()) {
    const next = order[index + 1]?.name;
    const call = await endpointCall(
      endpoint,
      deps,
      several ? { maxRetries: 0, timeoutMs: ATTEMPT_START_TIMEOUT_MS } : { maxRetries: settings.modelMaxRetries },
    );
    if (!call) {
      attempts.push({ endpoint: endpoint.name, failed: "keyMissing" });
      deps.log("error", "model.keyMissing", {
        jobId: deps.jobId,
        endpoint: endpoint.name,
        hint: `npm run secret -- put <env> model-key-${endpoint.name}`,
        ...endpointFailureMetrics(deps.environmentName, endpoint.name, true),
      });
      last = new EndpointKeyMissing(`no key for ${endpoint.name}`);
      continue;
    }
    let wordsShown = false;
    try {
      const answer = await askModel(
        {
          ...request,
          onText: (soFar) => {
            wordsShown = true;
            request.onText(soFar);
          },
        },
        call,
        settings,
        onFieldFallback,
      );
      attempts.push({ endpoint: endpoint.name });
      return { answer, endpoint };
    } catch (error) {
      const decision = several && !wordsShown ? failoverDecision(error, request.signal.aborted) : { failover: false as const };
      if (!decision.failover) {
        attempts.push({ endpoint: endpoint.name, failed: "final" });
        throw error;
      }
      attempts.push({ endpoint: endpoint.name, failed: decision.reason });
      const until = deps.now() + decision.cooldownSeconds * 1000;
      // Written before the next endpoint is asked: the job may end on that one, and Lambda freezes what it left behind.
      await deps
        .coolDown(endpoint.name, until)
        .catch((writeError: unknown) =>
          deps.log("warn", "model.cooldownNotWritten", { jobId: deps.jobId, endpoint: endpoint.name, error: describeModelError(writeError, false) }),
        );
      deps.log("warn", "model.failover", {
        jobId: deps.jobId,
        endpoint: endpoint.name,
        reason: decision.reason,
        cooldownSeconds: decision.cooldownSeconds,
        ...(next ? { next } : {}),
        error: describeModelError(error, false),
        ...endpointFailureMetrics(deps.environmentName, endpoint.name, decision.reason === "misconfigured"),
      });
      last = error;
    }
  }
  throw new AllEndpointsFailed(last);
}

/** One signing fetch per credentials source and region, so the SDK client made with it is kept too. */
const signedFetches = new WeakMap<Env, Map<string, ReturnType<typeof awsSignedFetch>>>();
function signedFetchFor(region: string, env: Env): ReturnType<typeof awsSignedFetch> {
  const byRegion = signedFetches.get(env) ?? new Map<string, ReturnType<typeof awsSignedFetch>>();
  signedFetches.set(env, byRegion);
  let signed = byRegion.get(region);
  if (!signed) byRegion.set(region, (signed = awsSignedFetch(region, env)));
  return signed;
}

/** How one endpoint is called: its key (or the role's signature), retries and start timeout; undefined without a key. */
async function endpointCall(
  endpoint: ModelEndpoint,
  deps: EndpointDeps,
  limits: { maxRetries: number; timeoutMs?: number },
): Promise<EndpointCall | undefined> {
  if (endpoint.auth === "aws") {
    const region = bedrockRegionOf(endpoint.baseUrl) ?? deps.awsEnv?.AWS_REGION ?? process.env.AWS_REGION ?? "us-east-1";
    return { baseUrl: endpoint.baseUrl, model: endpoint.model, apiKey: AWS_SIGNED, fetch: signedFetchFor(region, deps.awsEnv ?? process.env), ...limits };
  }
  const apiKey = await deps.keyFor(endpoint);
  return apiKey === undefined ? undefined : { baseUrl: endpoint.baseUrl, model: endpoint.model, apiKey, ...limits };
}
