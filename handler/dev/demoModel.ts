import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The built-in demo model of `npm run dev` and `npm run try` when no key and no endpoint is set (README, "Try it locally"):
 * an OpenAI-compatible Chat Completions server on loopback whose answers are fixed text that says it is a demo.
 * It streams, reports usage, and, offered the channel's Dooray tools, asks for one when the question names tasks or
 * wiki pages, so every flow (buttons, follow-ups, tools, 할 일로 만들기) can be tried on a fresh machine. Local
 * development only: nothing under handler/dev ships, and synth refuses a loopback endpoint.
 */
export interface DemoModel {
  /** The base URL to give the SDK (`…/v1`). */
  readonly baseUrl: string;
  readonly close: () => Promise<void>;
}

/** The model name it answers to, shown in its replies. */
export const DEMO_MODEL_NAME = "dooray-gpt-demo";
/** Between two streamed pieces: slow enough that progress updates show, quick enough to try many flows. */
const PIECE_GAP_MS = 40;

export async function startDemoModel(): Promise<DemoModel> {
  const server = createServer((request, response) => void answer(request, response).catch(() => response.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Message {
  readonly role: string;
  readonly content: string | null;
  readonly tool_calls?: unknown[];
}
interface Request {
  readonly messages: readonly Message[];
  readonly tools?: readonly {
    readonly function: { readonly name: string; readonly parameters?: { readonly properties?: Record<string, { readonly enum?: readonly string[] }> } };
  }[];
  readonly stream_options?: { readonly include_usage?: boolean };
}

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let raw = "";
  for await (const chunk of request) raw += String(chunk);
  if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
    response
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: { message: "the demo model answers POST /v1/chat/completions only" } }));
    return;
  }
  const body = JSON.parse(raw) as Request;
  const reply = demoReply(body);
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (delta: object, finish: string | null) =>
    response.write(
      `data: ${JSON.stringify({ id: "demo", object: "chat.completion.chunk", created: 0, model: DEMO_MODEL_NAME, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
    );
  if (reply.toolCall) {
    send(
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            index: 0,
            id: `demo_call_${reply.round}`,
            type: "function",
            function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
          },
        ],
      },
      null,
    );
    send({}, "tool_calls");
  } else {
    send({ role: "assistant", content: "" }, null);
    for (const piece of reply.text.match(/[\s\S]{1,12}/g) ?? []) {
      await new Promise((resolve) => setTimeout(resolve, PIECE_GAP_MS));
      send({ content: piece }, null);
    }
    send({}, "stop");
  }
  if (body.stream_options?.include_usage) {
    // Counted the way the bot's own estimate counts (a token per character at most), so budgets move visibly.
    const prompt = body.messages.reduce((sum, message) => sum + (message.content ?? "").length, 0);
    const completion = reply.toolCall ? JSON.stringify(reply.toolCall).length : reply.text.length;
    response.write(
      `data: ${JSON.stringify({ id: "demo", object: "chat.completion.chunk", created: 0, model: DEMO_MODEL_NAME, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`,
    );
  }
  response.end("data: [DONE]\n\n");
}

/** What the demo says, or the tool it asks for: a pure function of the request, so every run is the same. */
export function demoReply(body: Request): {
  readonly text: string;
  readonly toolCall?: { readonly name: string; readonly arguments: Record<string, string> };
  readonly round: number;
} {
  const lastUser = body.messages.map((message) => message.role).lastIndexOf("user");
  const question = body.messages[lastUser]?.content ?? "";
  const after = body.messages.slice(lastUser + 1);
  const round = after.filter((message) => message.role === "assistant").length;
  const toolResults = after.filter((message) => message.role === "tool").map((message) => message.content ?? "");
  const offered = new Map((body.tools ?? []).map((tool) => [tool.function.name, tool.function]));
  if (round === 0 && offered.size > 0) {
    const wiki = offered.get("list_wiki_pages")?.parameters?.properties?.wikiId?.enum?.[0];
    if (/위키|wiki|문서/i.test(question) && wiki) return { text: "", toolCall: { name: "list_wiki_pages", arguments: { wikiId: wiki } }, round };
    if (/업무|할\s?일|태스크|task|이슈/i.test(question) && offered.has("search_tasks"))
      return { text: "", toolCall: { name: "search_tasks", arguments: { query: searchWords(question) } }, round };
  }
  const found = toolResults.length > 0 ? ["", `도구로 읽은 자료 ${toolResults.length}건: ${titlesOf(toolResults).join(", ") || "(제목 없음)"}`] : [];
  return {
    text: [
      "🧪 데모 모델의 답변이에요. 실제 AI가 아니라, 키 없이도 흐름을 시험해 볼 수 있게 정해진 글을 보내요.",
      "",
      `받은 질문: ${question.slice(0, 200)}`,
      ...found,
      "",
      "- 답변 아래 버튼(채널에 공유, 다시 생성, 이어서 질문)을 눌러 볼 수 있어요.",
      "- OPENAI_API_KEY나 OPENAI_BASE_URL, MODEL_ENDPOINTS를 설정하면 실제 모델이 답해요.",
    ].join("\n"),
    round,
  };
}

/** The words of a question worth searching task titles for: the longest two, without particles' punctuation. */
function searchWords(question: string): string {
  const words = question
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter((word) => word.length >= 2 && !/업무|할일|태스크|찾아|알려|보여/.test(word));
  return (
    words
      .sort((a, b) => b.length - a.length)
      .slice(0, 1)
      .join(" ") || "배포"
  );
}

/** Titles a tool result names (subject, title or name fields), shallowly: the demo shows what it read, no more. */
function titlesOf(results: readonly string[]): string[] {
  const titles: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || value === null || typeof value !== "object") return;
    for (const [key, field] of Object.entries(value)) {
      if ((key === "subject" || key === "title" || key === "name") && typeof field === "string") titles.push(field.slice(0, 60));
      else visit(field, depth + 1);
    }
  };
  for (const result of results) {
    try {
      visit(JSON.parse(result), 0);
    } catch {
      // not JSON: nothing to name
    }
  }
  return [...new Set(titles)].slice(0, 5);
}
