import type { Logger } from "../log.js";
import { runTool, TOOL_NAMES, type Source, type ToolContext } from "../tools/doorayTools.js";
import type { ChatMessage, ToolCall } from "./askModel.js";

/** Model calls that may ask for tools; the next call must answer in text. Each call is reserved on its own. */
export const MAX_TOOL_ROUNDS = 3;
/** Tool calls run per round at most; more are answered with an error (Dooray's rate limit is 5 a second). */
export const MAX_CALLS_PER_ROUND = 4;
/** Sources listed under an answer at most. */
export const MAX_SOURCES = 5;

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
export async function runToolRound(text: string, calls: readonly ToolCall[], context: ToolContext, log: Logger, jobId: string): Promise<ToolRound> {
  const round: ToolRound = { messages: [{ role: "assistant", content: text, tool_calls: calls.map((call) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } })) }], found: [], read: [] };
  for (const [index, call] of calls.entries()) {
    const startedAt = Date.now();
    const result =
      index < MAX_CALLS_PER_ROUND
        ? await runTool(call.name, call.arguments, context)
        : { content: JSON.stringify({ error: `at most ${MAX_CALLS_PER_ROUND} tool calls at once` }), sources: [], read: false, failure: "badArguments" as const };
    log(result.failure ? "warn" : "info", "tool.called", { jobId, tool: (TOOL_NAMES as readonly string[]).includes(call.name) ? call.name : "unknown", ok: !result.failure, ...(result.failure ? { failure: result.failure } : {}), items: result.sources.length, durationMs: Date.now() - startedAt });
    (result.read ? round.read : round.found).push(...result.sources);
    round.messages.push({ role: "tool", tool_call_id: call.id, content: result.content });
  }
  return round;
}

/** What the answer cites: what the model read, or else the first things it found; each link once. */
export function citations(read: readonly Source[], found: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return (read.length > 0 ? read : found).filter((source) => !seen.has(source.url) && Boolean(seen.add(source.url))).slice(0, MAX_SOURCES);
}
