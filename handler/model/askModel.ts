import type OpenAI from "openai";
import type { BotConfig } from "../config.js";
import type { ToolDefinition } from "../tools/doorayTools.js";
import { sdkFetch } from "../net/sdkFetch.js";

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text, as the model wrote it. */
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: "system" | "user"; readonly content: string }
  | {
      readonly role: "assistant";
      readonly content: string;
      readonly tool_calls?: readonly {
        readonly id: string;
        readonly type: "function";
        readonly function: { readonly name: string; readonly arguments: string };
      }[];
    }
  | { readonly role: "tool"; readonly tool_call_id: string; readonly content: string };

export interface ModelRequest {
  /** The system prompt first, then the question: exactly what the model receives (and what a budget reserves for). */
  readonly messages: readonly ChatMessage[];
  /** The channel's tools, offered on this call; none: the model must answer in text. */
  readonly tools?: readonly ToolDefinition[];
  readonly signal: AbortSignal;
  /** Called with the whole answer so far each time the stream adds to it. */
  readonly onText: (answerSoFar: string) => void;
}

export interface ModelAnswer {
  readonly text: string;
  readonly finishReason: string | undefined;
  /** What the endpoint says the call used; undefined when it reports nothing (some OpenAI-compatible servers). */
  readonly usage: TokenUsage | undefined;
  /** The tools the model asked to run before it answers (none when it answered). */
  readonly toolCalls: readonly ToolCall[];
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of the input, what the endpoint served from its prompt cache (`prompt_tokens_details.cached_tokens`; 0 when absent). */
  readonly cachedInputTokens?: number;
}

/** One endpoint as one call asks it. */
export interface EndpointCall {
  /** Undefined: the SDK's default, OpenAI's public API. */
  readonly baseUrl: string | undefined;
  readonly model: string;
  readonly apiKey: string;
  /** The SDK's own retries: 0 when another endpoint stands behind this one (one retry loop, ours). */
  readonly maxRetries: number;
  /** How long to wait for the response to start; the SDK's default (10 minutes, bounded by our deadline) when absent. */
  readonly timeoutMs?: number;
  /** A signing fetch (an `aws` endpoint); the plain one otherwise. */
  readonly fetch?: typeof sdkFetch;
}

type ModelSettings = Pick<BotConfig, "maxOutputTokens" | "modelStreamUsage" | "modelMaxTokensField">;

/** Set once an endpoint refused `max_completion_tokens`: this container then sends `max_tokens` to that endpoint. */
const refusedMaxCompletionTokens = new Set<string>();

/** A 400 that names the output-ceiling field: the endpoint does not know it (OpenAI's error carries it as `param`). */
function refusesField(error: unknown, field: string): boolean {
  const { status, param, message } = (error ?? {}) as { status?: unknown; param?: unknown; message?: unknown };
  return status === 400 && (param === field || (typeof message === "string" && message.includes(field)));
}

/** Clients kept per container, one per endpoint, key and retry count (a rotated key makes a new one), with the fetch they were made with. */
const clients = new Map<string, { readonly fetch: typeof sdkFetch | undefined; readonly client: OpenAI }>();
let sdk: Promise<typeof OpenAI> | undefined;
let sdkLoaded = false;

/**
 * The `openai` SDK, loaded on the worker path only, once per container (in AWS it comes from the layer). Loading it
 * is the longest piece of a cold start and blocks the event loop while it runs, so a job starts it as soon as its
 * first requests are on the wire (loadModelSdk), and their round trips pass while it loads.
 */
function openaiSdk(): Promise<typeof OpenAI> {
  sdk ??= import("openai").then(
    (module) => {
      sdkLoaded = true;
      return module.default;
    },
    (error: unknown) => {
      sdk = undefined;
      throw error;
    },
  );
  return sdk;
}

/** Loads the SDK ahead of the first call; never rejects (the call itself then reports a failed load). */
export async function loadModelSdk(): Promise<void> {
  await openaiSdk().catch(() => undefined);
}

/** Whether this container has loaded the SDK (nothing left to load, nothing that blocks). */
export function modelSdkLoaded(): boolean {
  return sdkLoaded;
}

async function openai(endpoint: EndpointCall): Promise<OpenAI> {
  const where = `\u0000${endpoint.baseUrl ?? ""}\u0000${endpoint.maxRetries}`;
  const key = endpoint.apiKey + where;
  const kept = clients.get(key);
  if (kept && kept.fetch === endpoint.fetch) return kept.client;
  const OpenAI = await openaiSdk();
  // Old keys' clients go: a container sees few endpoints, and a rotation must not keep the old key in memory.
  for (const old of clients.keys()) if (old.endsWith(where)) clients.delete(old);
  const client = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl, maxRetries: endpoint.maxRetries, fetch: endpoint.fetch ?? sdkFetch });
  clients.set(key, { fetch: endpoint.fetch, client });
  return client;
}

/** Our deadline passed while the answer was streaming (or before its first words). */
export class ModelDeadlineError extends Error {
  override readonly name = "ModelDeadlineError";
  constructor(readonly charsReceived: number) {
    super(`deadline passed after ${charsReceived} characters`);
  }
}

/**
 * Streams one answer; errors (HTTP, connection, abort, a broken stream) propagate to the caller to classify. An
 * endpoint that refuses `max_completion_tokens` with a 400 is asked again at once with `max_tokens` (nothing was
 * generated, so nothing is paid twice), and this container remembers it.
 */
export async function askModel(request: ModelRequest, endpoint: EndpointCall, settings: ModelSettings, onFieldFallback?: () => void): Promise<ModelAnswer> {
  const sdk = await openai(endpoint);
  const where = endpoint.baseUrl ?? "";
  const open = (field: string) =>
    sdk.chat.completions.create(
      {
        model: endpoint.model,
        stream: true,
        // The last chunk then reports the tokens used: budgets are settled on it, and the cost metric computed.
        ...(settings.modelStreamUsage ? { stream_options: { include_usage: true } } : {}),
        [field]: settings.maxOutputTokens,
        messages: request.messages.map((message) => ({ ...message })) as OpenAI.Chat.ChatCompletionMessageParam[],
        ...(request.tools && request.tools.length > 0 ? { tools: request.tools.map((tool) => ({ ...tool, function: { ...tool.function } })) } : {}),
      },
      { signal: request.signal, ...(endpoint.timeoutMs === undefined ? {} : { timeout: endpoint.timeoutMs }) },
    );
  const field = refusedMaxCompletionTokens.has(where) ? "max_tokens" : settings.modelMaxTokensField;
  let stream;
  try {
    stream = await open(field);
  } catch (error) {
    if (field !== "max_completion_tokens" || !refusesField(error, field)) throw error;
    refusedMaxCompletionTokens.add(where);
    onFieldFallback?.();
    stream = await open("max_tokens");
  }
  let text = "";
  let finishReason: string | undefined;
  let usage: TokenUsage | undefined;
  // A tool call arrives in pieces, keyed by its index: the id and name first, the arguments' JSON in fragments.
  const calls: { id: string; name: string; arguments: string }[] = [];
  for await (const chunk of stream) {
    if (chunk.usage)
      usage = {
        inputTokens: chunk.usage.prompt_tokens,
        outputTokens: chunk.usage.completion_tokens,
        cachedInputTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
      };
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      request.onText(text);
    }
    for (const piece of choice?.delta?.tool_calls ?? []) {
      const call = (calls[piece.index] ??= { id: "", name: "", arguments: "" });
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.name += piece.function.name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
  }
  // The SDK ends a stream quietly when its signal aborts: a cut-off answer must not pass for a finished one.
  if (request.signal.aborted) throw new ModelDeadlineError(text.length);
  return { text, finishReason, usage, toolCalls: calls.filter((call) => call.name !== "") };
}
