import type { TableRef } from "../handler/store/tableRef.js";
import { askEndpoints, type Attempt, type EndpointDeps } from "../handler/model/askEndpoints.js";
import { awsSignedFetch } from "../handler/model/awsSignedFetch.js";
import type { ModelEndpoint } from "../handler/model/endpoints.js";
import { readCooldowns } from "../handler/store/endpointCooldowns.js";
import { startFakeOpenAI } from "../test/support/fakeOpenAI.js";
import { listen } from "../test/support/listen.js";
import { percentile, round } from "./stats.js";

/** Medians and p99s of one way of asking, in milliseconds. */
export interface AskTimes {
  readonly p50: number;
  readonly p99: number;
}

/**
 * Time to a whole answer through the worker's failover loop (askEndpoints), warm, in this process, against real
 * loopback servers: one endpoint as today; two healthy ones (the cooldown read from the table, cached per container);
 * and two whose first refuses connections or answers 503 (no cooldown kept between rounds, so every round fails over).
 * Also the SigV4 signing an `aws` endpoint adds to each request.
 */
export async function failoverTimes(
  table: TableRef,
  rounds: number,
): Promise<{ single: AskTimes; listedHealthy: AskTimes; firstRefused: AskTimes; first503: AskTimes; awsSigningMs: AskTimes }> {
  const good = await startFakeOpenAI();
  const down = await startFakeOpenAI({ status: 503 });
  const closed = await listen(() => undefined);
  await closed.close();
  const endpoint = (name: string, baseUrl: string): ModelEndpoint => ({
    name,
    baseUrl,
    model: "bench",
    residency: "global",
    auth: "apiKey",
    apiKey: "sk-bench",
  });
  const healthy = endpoint("bench-healthy", good.baseUrl);
  const deps = (keepCooldowns: boolean): EndpointDeps => ({
    keyFor: async (listed) => listed.apiKey,
    cooldowns: keepCooldowns ? (names) => readCooldowns(table, names, Date.now()) : async () => new Map(),
    coolDown: async () => undefined,
    now: Date.now,
    log: () => undefined,
    environmentName: "bench",
    jobId: "bench",
  });
  const settings = { maxOutputTokens: 200, modelStreamUsage: true, modelMaxTokensField: "max_completion_tokens" as const, modelMaxRetries: 0 };
  const time = async (endpoints: ModelEndpoint[], keepCooldowns: boolean): Promise<AskTimes> => {
    const times: number[] = [];
    for (let round = 0; round < rounds + 3; round++) {
      const started = performance.now();
      const attempts: Attempt[] = [];
      await askEndpoints(
        { messages: [{ role: "user", content: "벤치마크 질문" }], signal: new AbortController().signal, onText: () => undefined },
        endpoints,
        settings,
        deps(keepCooldowns),
        attempts,
      );
      // The first rounds warm the SDK's clients and the connections.
      if (round >= 3) times.push(performance.now() - started);
    }
    return summary(times);
  };
  try {
    const single = await time([healthy], true);
    const listedHealthy = await time([healthy, endpoint("bench-backup", good.baseUrl)], true);
    const firstRefused = await time([endpoint("bench-refused", `${closed.url}/v1`), healthy], false);
    const first503 = await time([endpoint("bench-503", down.baseUrl), healthy], false);
    return { single, listedHealthy, firstRefused, first503, awsSigningMs: signingCost(rounds * 20) };
  } finally {
    await Promise.all([good.close(), down.close()]);
  }
}

/** The signature an `aws` endpoint's request gets, alone: awsSignedFetch's work before it sends. */
function signingCost(samples: number): AskTimes {
  const env = { AWS_ACCESS_KEY_ID: "ASIABENCH", AWS_SECRET_ACCESS_KEY: "bench-secret", AWS_SESSION_TOKEN: "bench-session" };
  const times: number[] = [];
  let sent: RequestInit | undefined;
  const body = JSON.stringify({ model: "openai.gpt-oss-120b-1:0", stream: true, messages: [{ role: "user", content: "x".repeat(4_000) }] });
  // A fetch that never sends: the signing is what is timed, not a round trip.
  const signed = awsSignedFetch("ap-northeast-2", env, async (_url, init) => {
    sent = init;
    return new Response("");
  });
  for (let index = 0; index < samples + 50; index++) {
    const started = performance.now();
    void signed("https://bedrock-runtime.ap-northeast-2.amazonaws.com/openai/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer aws-sigv4" },
      body,
    });
    if (index >= 50) times.push(performance.now() - started);
  }
  if (!new Headers(sent?.headers).get("authorization")?.startsWith("AWS4-HMAC-SHA256 ")) throw new Error("the request was not signed");
  return summary(times);
}

function summary(times: number[]): AskTimes {
  return { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
}
