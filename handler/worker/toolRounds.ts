import type { Logger } from "../log.js";
import { runTool, TOOL_NAMES, type Source, type ToolContext } from "../tools/doorayTools.js";
import type { ChatMessage, ToolCall } from "../model/askModel.js";

/** Model calls that may ask for tools; the next call must answer in text. Each call is reserved on its own. */
export const MAX_TOOL_ROUNDS = 3;
/** Tool calls run per round at most; more are answered with an error (Dooray's rate limit is 5 a second). */
export const MAX_CALLS_PER_ROUND = 4;
/** Sources listed under an answer at most. */
export const MAX_SOURCES = 5;
/** What all the tool results of one question may add up to, in UTF-8 bytes (each is also bounded on its own). */
export const MAX_JOB_TOOL_RESULT_BYTES = 24_000;

export interface ToolRound {
  /** The assistant's request and one tool message per call, to append to the conversation. */
  readonly messages: ChatMessage[];
  readonly found: Source[];
  readonly read: Source[];
}

/**
 * Runs the calls of one round, one after another (Dooray's bucket is small), and logs each by name, outcome,
 * item count and time: never its arguments or its result, which are company data.
 */
export async function runToolRound(
  text: string,
  calls: readonly ToolCall[],
  context: ToolContext,
  log: Logger,
  jobId: string,
  bytesSoFar = 0,
  guard: (content: string) => string = (content) => content,
): Promise<ToolRound & { readonly bytes: number }> {
  let bytes = bytesSoFar;
  const round: ToolRound = {
    messages: [
      {
        role: "assistant",
        content: text,
        tool_calls: calls.map((call) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } })),
      },
    ],
    found: [],
    read: [],
  };
  for (const [index, call] of calls.entries()) {
    const startedAt = Date.now();
    const result =
      index < MAX_CALLS_PER_ROUND
        ? await runTool(call.name, call.arguments, context)
        : {
            content: JSON.stringify({ error: `at most ${MAX_CALLS_PER_ROUND} tool calls at once` }),
            sources: [],
            read: false,
            failure: "badArguments" as const,
          };
    // Past the question's total, a result is not added: the model is told to answer from what it has.
    const size = Buffer.byteLength(result.content, "utf8");
    if (!result.failure && bytes + size > MAX_JOB_TOOL_RESULT_BYTES) {
      log("info", "tool.resultsCapped", { jobId, tool: call.name, bytes, limit: MAX_JOB_TOOL_RESULT_BYTES });
      round.messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: JSON.stringify({ error: "this question has read as much as it may; answer from what you already have" }),
      });
      continue;
    }
    bytes += size;
    log(result.failure ? "warn" : "info", "tool.called", {
      jobId,
      tool: (TOOL_NAMES as readonly string[]).includes(call.name) ? call.name : "unknown",
      ok: !result.failure,
      ...(result.failure ? { failure: result.failure } : {}),
      items: result.sources.length,
      durationMs: Date.now() - startedAt,
    });
    (result.read ? round.read : round.found).push(...result.sources);
    // What the model reads of a tool result has passed the personal-data guard.
    round.messages.push({ role: "tool", tool_call_id: call.id, content: guard(result.content) });
  }
  return { ...round, bytes };
}

/** A tool result given up to fit the budget: the model learns it was there, not what it said. */
export const DROPPED_TOOL_RESULT = JSON.stringify({ error: "left out: today's budget could not hold it" });
/** The least a last call may be allowed to write, in tokens: less would not be an answer. */
export const MIN_LAST_ANSWER_TOKENS = 256;

/**
 * The last call of a question whose next tool round the budget cannot hold: no tools, the tool results given up
 * oldest first until the prompt and at least MIN_LAST_ANSWER_TOKENS of answer fit in what is left, and the answer
 * capped to the rest. Undefined when even the question alone does not fit.
 */
export function lastCallWithin(
  conversation: readonly ChatMessage[],
  left: number,
  maxOutputTokens: number,
  bound: (messages: readonly ChatMessage[]) => number,
): { messages: ChatMessage[]; outputTokens: number; dropped: number } | undefined {
  const messages = [...conversation];
  let dropped = 0;
  for (let at = 0; at < messages.length && bound(messages) + MIN_LAST_ANSWER_TOKENS > left; at++) {
    const message = messages[at]!;
    if (message.role !== "tool" || message.content === DROPPED_TOOL_RESULT) continue;
    messages[at] = { ...message, content: DROPPED_TOOL_RESULT };
    dropped++;
  }
  const outputTokens = Math.min(maxOutputTokens, left - bound(messages));
  return outputTokens >= MIN_LAST_ANSWER_TOKENS ? { messages, outputTokens, dropped } : undefined;
}

/** What the answer cites: what the model read, or else the first things it found; each link once. */
export function citations(read: readonly Source[], found: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return (read.length > 0 ? read : found).filter((source) => !seen.has(source.url) && Boolean(seen.add(source.url))).slice(0, MAX_SOURCES);
}
