import type { IncomingMessage, ServerResponse } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { listen, readBody, sleep, type Listening } from "./listen.js";
import { Sha256 } from "./nodeSha256.js";

/**
 * An OpenAI-compatible chat completions server on loopback. It answers "답변: <question>" and takes directives
 * from the question so one server can play every case at once:
 *   [[status:429]]  fail with that HTTP status      [[slow:1500]]  wait before the first byte
 *   [[gap:300]]     wait between stream chunks       [[broken]]     send part of the stream, then cut the socket
 *   [[long:9000]]   answer that many characters      [[empty]]      answer nothing        [[length]]  finish_reason "length"
 *   [[echo:400]]    fail with that status, echoing the question in the error message (as some endpoints do)
 *   [[hold]]        wait until the test calls `release()` (an answer slower than anything else, without a clock)
 *   [[call:search_tasks:{"query":"배포"}]]  when offered tools, ask for that tool (one per round, in the order
 *                   written); once every one was asked, answer "답변: <question>" plus "자료: " and each tool result
 *   [[calls:2:read_task:{…}]]  two calls of that tool at once, in one round
 * A refused key gets OpenAI's own 401 text, which shows the key's last four characters. Asked with
 * `stream_options.include_usage`, the stream ends with a usage chunk, as OpenAI's does: `usageOf` gives its counts.
 */
export interface FakeOpenAIOptions {
  /** Added before every answer (the bench's "model time"). */
  readonly delayMs?: number;
  /** Only this key is accepted; others get 401. */
  readonly apiKey?: string;
  /** false: never report usage, as some OpenAI-compatible servers do not. */
  readonly reportsUsage?: boolean;
  /** true: refuse `max_completion_tokens` with a 400 naming it, taking only `max_tokens` (some compatible servers). */
  readonly onlyMaxTokens?: boolean;
  /** Reported as `prompt_tokens_details.cached_tokens` in the usage chunk (what a prompt cache served). */
  readonly cachedPromptTokens?: number;
  /** Every request fails with this status (an endpoint that is down), with `retry-after` when given. */
  readonly status?: number;
  readonly retryAfter?: string;
  /**
   * Plays Amazon Bedrock: a request must carry a SigV4 signature for the service `bedrock` made with these
   * credentials, checked by recomputing it with the AWS SDK's own signer; otherwise 403, as Bedrock answers.
   */
  readonly sigV4?: {
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  };
}

export interface RecordedModelRequest {
  readonly authorization: string | undefined;
  readonly body: {
    model: string;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    messages: { role: string; content: string; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; parameters: { properties: Record<string, unknown> } } }[];
    max_completion_tokens?: number;
    max_tokens?: number;
  };
}

export interface FakeOpenAI extends Listening {
  /** Base URL for the SDK (`…/v1`). */
  readonly baseUrl: string;
  readonly requests: RecordedModelRequest[];
  /** Milliseconds from each request's arrival to its last byte, in arrival order (the "model time"). */
  readonly durationsMs: number[];
  /** Milliseconds from each request's arrival to its first words (NaN until then), in arrival order: the model's own time to first token. */
  readonly firstTokenMs: number[];
  /** Lets every [[hold]] request go on. */
  release(): void;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedModelRequest[] = [];
  const durationsMs: number[] = [];
  const firstTokenMs: number[] = [];
  const held: (() => void)[] = [];
  const listening = await listen((request, response) => {
    const arrived = performance.now();
    const index = durationsMs.push(Number.NaN) - 1;
    firstTokenMs.push(Number.NaN);
    response.on("finish", () => (durationsMs[index] = performance.now() - arrived));
    void (async () => {
      const raw = await readBody(request);
      if (request.method !== "POST" || !request.url?.endsWith("/v1/chat/completions")) return json(response, 404, { error: { message: "not found" } });
      const body = JSON.parse(raw) as RecordedModelRequest["body"];
      requests.push({ authorization: request.headers.authorization, body });
      if (options.sigV4 && !(await signedBy(request, raw, options.sigV4))) {
        return json(response, 403, { message: "The request signature we calculated does not match the signature you provided." });
      }
      if (options.status) {
        if (options.retryAfter) response.setHeader("retry-after", options.retryAfter);
        return json(response, options.status, { error: { message: `fake error ${options.status}`, type: "server_error" } });
      }
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        const presented = (request.headers.authorization ?? "").replace(/^Bearer /, "");
        return json(response, 401, {
          error: {
            message: `Incorrect API key provided: ${presented.slice(0, 3)}*********${presented.slice(-4)}.`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        });
      }
      if (options.onlyMaxTokens && body.max_completion_tokens !== undefined) {
        return json(response, 400, {
          error: {
            message: "Unrecognized request argument supplied: max_completion_tokens",
            type: "invalid_request_error",
            param: "max_completion_tokens",
            code: null,
          },
        });
      }
      const question = body.messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
      const directive = (name: string) => new RegExp(`\\[\\[${name}(?::(\\d+))?\\]\\]`).exec(question);
      await sleep(options.delayMs ?? 0);
      if (directive("hold")) await new Promise<void>((resolve) => held.push(resolve));
      const slow = directive("slow");
      if (slow) await sleep(Number(slow[1]));
      const echo = directive("echo");
      if (echo)
        return json(response, Number(echo[1]), {
          error: { message: `invalid request: content=${question}`, type: "invalid_request_error", code: "bad_request" },
        });
      const status = directive("status");
      if (status) {
        const code = Number(status[1]);
        response.setHeader("retry-after-ms", "10");
        return json(response, code, { error: { message: `fake error ${code}`, type: "server_error" } });
      }
      // Tool rounds: the calls written in the question, one round each, while the request offers tools.
      const lastUser = body.messages.map((message) => message.role).lastIndexOf("user");
      const rounds = body.messages.slice(lastUser).filter((message) => message.role === "assistant" && message.tool_calls).length;
      const wanted = [...question.matchAll(/\[\[calls?:(?:(\d+):)?(\w+):(\{.*?\})\]\]/g)].map((match) => ({
        times: Number(match[1] ?? 1),
        name: match[2]!,
        args: match[3]!,
      }));
      if (body.tools && body.tools.length > 0 && rounds < wanted.length) {
        const call = wanted[rounds]!;
        const usage = body.stream_options?.include_usage && options.reportsUsage !== false ? usageOf(body.messages, call.args) : undefined;
        return streamToolCalls(response, body.model, rounds, call.name, call.args, call.times, usage);
      }
      const toolResults = body.messages
        .slice(lastUser)
        .filter((message) => message.role === "tool")
        .map((message) => message.content);
      const long = directive("long");
      const answer = directive("empty")
        ? ""
        : long
          ? longAnswer(Number(long[1]))
          : `답변: ${question}${toolResults.length > 0 ? `\n자료: ${toolResults.join("\n")}` : ""}`;
      const finish = directive("length") ? "length" : "stop";
      if (!body.stream) {
        return json(response, 200, {
          id: "chatcmpl-fake",
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: finish }],
        });
      }
      const counted = body.stream_options?.include_usage && options.reportsUsage !== false ? usageOf(body.messages, answer) : undefined;
      const usage =
        counted && options.cachedPromptTokens !== undefined ? { ...counted, prompt_tokens_details: { cached_tokens: options.cachedPromptTokens } } : counted;
      await stream(
        response,
        body.model,
        answer,
        finish,
        Number(directive("gap")?.[1] ?? 0),
        Boolean(directive("broken")),
        usage,
        () => (firstTokenMs[index] = performance.now() - arrived),
      );
    })().catch(() => response.destroy());
  });
  return { ...listening, baseUrl: `${listening.url}/v1`, requests, durationsMs, firstTokenMs, release: () => held.splice(0).forEach((resolve) => resolve()) };
}

/** Whether the request carries a valid SigV4 signature for `bedrock` with these credentials (recomputed by the AWS SDK's signer). */
async function signedBy(request: IncomingMessage, body: string, expected: NonNullable<FakeOpenAIOptions["sigV4"]>): Promise<boolean> {
  const authorization = request.headers.authorization ?? "";
  const parts = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  const amzDate = request.headers["x-amz-date"];
  if (!parts || typeof amzDate !== "string" || parts[1] !== expected.credentials.accessKeyId || parts[2] !== expected.region) return false;
  const signedNames = parts[3]!.split(";");
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (typeof value !== "string") return false;
    headers[name] = value;
  }
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  const signer = new SignatureV4({ service: "bedrock", region: expected.region, credentials: expected.credentials, sha256: Sha256, applyChecksum: false });
  const url = new URL(request.url ?? "/", "http://localhost");
  // The signer adds the date (and the session token) itself, from what it is given.
  const { "x-amz-date": _date, ...unsigned } = headers;
  const signed = await signer.sign(
    { method: request.method ?? "POST", protocol: "http:", hostname: url.hostname, path: url.pathname, headers: unsigned, body },
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  return signed.headers.authorization === authorization;
}

/** The fake's token counts: one per character, so a test can tell reported usage from the bot's own estimate. */
export function usageOf(
  messages: readonly { content: string | null }[],
  answer: string,
): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = messages.reduce((sum, message) => sum + (message.content ?? "").length, 0);
  return { prompt_tokens: prompt, completion_tokens: answer.length, total_tokens: prompt + answer.length };
}

async function stream(
  response: ServerResponse,
  model: string,
  answer: string,
  finish: string,
  gapMs: number,
  broken: boolean,
  usage?: object,
  onFirstWords?: () => void,
): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finishReason: string | null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  response.write(chunk({ role: "assistant", content: "" }, null));
  const pieces = answer.match(/[\s\S]{1,16}/g) ?? [];
  for (const [index, piece] of pieces.entries()) {
    if (gapMs > 0) await sleep(gapMs);
    response.write(chunk({ content: piece }, null));
    if (index === 0) onFirstWords?.();
    if (broken && index >= Math.min(2, pieces.length - 1)) {
      await sleep(20);
      response.socket?.destroy();
      return;
    }
  }
  response.write(chunk({}, finish));
  if (usage) response.write(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model, choices: [], usage })}\n\n`);
  response.end("data: [DONE]\n\n");
}

/** A tool call as OpenAI streams one: id and name first, then the arguments' JSON in fragments. */
async function streamToolCalls(
  response: ServerResponse,
  model: string,
  round: number,
  name: string,
  args: string,
  times: number,
  usage?: object,
): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finishReason: string | null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
  response.write(chunk({ role: "assistant", content: null }, null));
  for (let index = 0; index < times; index++) {
    response.write(chunk({ tool_calls: [{ index, id: `call_${round}_${index}`, type: "function", function: { name, arguments: "" } }] }, null));
    const half = Math.ceil(args.length / 2);
    for (const piece of [args.slice(0, half), args.slice(half)]) response.write(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
  }
  response.write(chunk({}, "tool_calls"));
  if (usage) response.write(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model, choices: [], usage })}\n\n`);
  response.end("data: [DONE]\n\n");
}

/** Numbered lines, so a test can see that every line arrived, once, in order. */
export function longAnswer(chars: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let n = 1; length < chars; n++) {
    const line = `${n}번째 줄: 배포 전에 확인할 항목을 하나씩 점검합니다.`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n").slice(0, chars);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
