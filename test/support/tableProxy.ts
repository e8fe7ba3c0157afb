import { request as httpRequest } from "node:http";
import { dynamoCall } from "../../handler/aws/dynamodb.js";
import { localCredentials, startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import type { TableRef } from "../../handler/store/tableRef.js";
import { afterAll, beforeAll } from "vitest";
import { listen, readBody } from "./listen.js";

/** A local table behind a proxy for the tests of one describe block: started before them, closed after. */
export function proxiedTableForSuite(): { readonly table: LocalTable; readonly proxy: TableProxy } {
  const started: { table?: LocalTable; proxy?: TableProxy } = {};
  beforeAll(async () => {
    started.table = await startLocalTable();
    started.proxy = await startTableProxy(started.table);
  });
  afterAll(async () => {
    await started.proxy?.close();
    await started.table?.close();
  });
  return {
    get table() {
      return started.table!;
    },
    get proxy() {
      return started.proxy!;
    },
  };
}

/** One DynamoDB request as the proxy saw it: its action (`UpdateItem`, …) and its JSON input. */
export interface ProxiedRequest {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

type Rule = {
  readonly matches: (request: ProxiedRequest) => boolean;
  readonly times: number;
  readonly effect: "loseAnswer" | "fail" | { delayMs: number } | { until: Promise<void>; held: () => void };
};

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
  /** The next `times` requests that match never reach the table: they get DynamoDB's 500 (InternalServerError). */
  fail(matches: (request: ProxiedRequest) => boolean, times?: number): void;
  /** The next request that matches waits until `release()`; `held` resolves once it is waiting. */
  hold(matches: (request: ProxiedRequest) => boolean): { held: Promise<void>; release: () => void };
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
      const proxied = {
        action:
          String(request.headers["x-amz-target"] ?? "")
            .split(".")
            .pop() ?? "",
        input: JSON.parse(body) as Record<string, unknown>,
      };
      seen.push(proxied);
      const rule = rules.find((candidate) => candidate.times > 0 && candidate.matches(proxied));
      if (rule) (rule as { times: number }).times--;
      if (rule?.effect === "fail") {
        return void response
          .writeHead(500, { "content-type": "application/x-amz-json-1.0" })
          .end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "proxy: failed on purpose" }));
      }
      if (rule && typeof rule.effect === "object" && "until" in rule.effect) {
        rule.effect.held();
        await rule.effect.until;
      } else if (rule && typeof rule.effect === "object" && "delayMs" in rule.effect) {
        const { delayMs } = rule.effect;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
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
    fail: (matches, times = 1) => void rules.push({ matches, times, effect: "fail" }),
    hold: (matches) => {
      let release!: () => void;
      let held!: () => void;
      const until = new Promise<void>((resolve) => (release = resolve));
      const waiting = new Promise<void>((resolve) => (held = resolve));
      rules.push({ matches, times: 1, effect: { until, held } });
      return { held: waiting, release };
    },
    close: listening.close,
  };
}
