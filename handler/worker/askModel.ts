import type OpenAI from "openai";
import type { BotConfig } from "../config.js";

export interface ModelRequest {
  readonly apiKey: string;
  readonly question: string;
  readonly signal: AbortSignal;
  /** Called with the whole answer so far each time the stream adds to it. */
  readonly onText: (answerSoFar: string) => void;
}

export interface ModelAnswer {
  readonly text: string;
  readonly finishReason: string | undefined;
}

type ModelSettings = Pick<BotConfig, "model" | "openaiBaseUrl" | "systemPrompt" | "maxOutputTokens" | "modelMaxRetries">;

let client: { key: string; instance: OpenAI } | undefined;

/**
 * The `openai` SDK is loaded here, on the worker path only, and the client is kept per container (a rotated key
 * makes a new one). In AWS the SDK comes from the layer.
 */
async function openai(apiKey: string, settings: ModelSettings): Promise<OpenAI> {
  const key = `${apiKey}\u0000${settings.openaiBaseUrl ?? ""}\u0000${settings.modelMaxRetries}`;
  if (client?.key !== key) {
    const { default: OpenAI } = await import("openai");
    client = { key, instance: new OpenAI({ apiKey, baseURL: settings.openaiBaseUrl, maxRetries: settings.modelMaxRetries }) };
  }
  return client.instance;
}

/** Our deadline passed while the answer was streaming (or before its first words). */
export class ModelDeadlineError extends Error {
  override readonly name = "ModelDeadlineError";
  constructor(readonly charsReceived: number) {
    super(`deadline passed after ${charsReceived} characters`);
  }
}

/** Streams one answer; errors (HTTP, connection, abort, a broken stream) propagate to the caller to classify. */
export async function askModel(request: ModelRequest, settings: ModelSettings): Promise<ModelAnswer> {
  const sdk = await openai(request.apiKey, settings);
  const stream = await sdk.chat.completions.create(
    {
      model: settings.model,
      stream: true,
      max_completion_tokens: settings.maxOutputTokens,
      messages: [
        { role: "system", content: settings.systemPrompt },
        { role: "user", content: request.question },
      ],
    },
    { signal: request.signal },
  );
  let text = "";
  let finishReason: string | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      request.onText(text);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
  }
  // The SDK ends a stream quietly when its signal aborts: a cut-off answer must not pass for a finished one.
  if (request.signal.aborted) throw new ModelDeadlineError(text.length);
  return { text, finishReason };
}
