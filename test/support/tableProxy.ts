import { request as httpRequest } from "node:http";
import { dynamoCall } from "../../handler/aws/dynamodb.js";
import { localCredentials, type LocalTable } from "../../handler/local/localTable.js";
import type { TableRef } from "../../handler/store/tableRef.js";
import { listen, readBody } from "./listen.js";

/** One DynamoDB request as the proxy saw it: its action (`UpdateItem`, …) and its JSON input. */
export interface ProxiedRequest {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

type Rule = { readonly matches: (request: ProxiedRequest) => boolean; readonly times: number; readonly effect: "loseAnswer" | { delayMs: number } };

/**
 * A DynamoDB endpoint between the bot and a real one (dynalite) that can misbehave on purpose, the way a network
 * does: apply a write and then drop its answer (the caller sees a reset connection and cannot know the write landed),
 * or hold a request before passing it on. Everything else passes through untouched.
 */
export interface TableProxy extends TableRef {
  readonly endpoint: string;
  /** The next `times` requests that match are applied by the table, then their answers are lost. */
  loseAnswer(matches: (request: ProxiedRequest) => boolean, times?: number): void;
  /** The next `times` requests that match wait `delayMs` before they reach the table. */
  delay(matches: (request: ProxiedRequest) => boolean, delayMs: number, times?: number): void;
  /** Every request that reached the proxy, in order. */
  readonly seen: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startTableProxy(target: LocalTable): Promise<TableProxy> {
  const rules: Rule[] = [];
  const seen: ProxiedRequest[] = [];
  const upstream = new URL(target.endpoint);
  const listening = await listen((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const proxied = { action: String(request.headers["x-amz-target"] ?? "").split(".").pop() ?? "", input: JSON.parse(body) as Record<string, unknown> };
      seen.push(proxied);
      const rule = rules.find((candidate) => candidate.times > 0 && candidate.matches(proxied));
      if (rule) (rule as { times: number }).times--;
      if (rule && rule.effect !== "loseAnswer") await new Promise((resolve) => setTimeout(resolve, (rule.effect as { delayMs: number }).delayMs));
      const answer = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const forwarded = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: "POST", path: "/", headers: { ...request.headers, host: upstream.host } },
          (reply) => {
            const chunks: Buffer[] = [];
            reply.on("data", (chunk: Buffer) => chunks.push(chunk));
            reply.on("end", () => resolve({ status: reply.statusCode ?? 500, headers: reply.headers, body: Buffer.concat(chunks) }));
          },
        );
        forwarded.on("error", reject);
        forwarded.end(body);
      });
      // The table applied it; the caller never hears so.
      if (rule?.effect === "loseAnswer") return void request.socket.destroy();
      response.writeHead(answer.status, { "content-type": String(answer.headers["content-type"] ?? "application/x-amz-json-1.0") }).end(answer.body);
    })().catch(() => request.socket.destroy());
  });
  return {
    table: target.table,
    endpoint: listening.url,
    call: dynamoCall(localCredentials(listening.url)),
    seen,
    loseAnswer: (matches, times = 1) => void rules.push({ matches, times, effect: "loseAnswer" }),
    delay: (matches, delayMs, times = 1) => void rules.push({ matches, times, effect: { delayMs } }),
    close: listening.close,
  };
}
