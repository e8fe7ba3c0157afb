import { describe, expect, it } from "vitest";
import { demoReply } from "../../handler/dev/demoModel.js";
import { buildHandlerBundle } from "../../stacks/assets/buildHandler.js";
import { parseEnvironments } from "../../stacks/config.js";

const tools = [
  { function: { name: "search_tasks" } },
  { function: { name: "list_wiki_pages", parameters: { properties: { wikiId: { enum: ["3570526358279081999"] } } } } },
];
const ask = (question: string, extra: { role: string; content: string | null }[] = [], offered = tools) =>
  demoReply({ messages: [{ role: "system", content: "시스템" }, { role: "user", content: question }, ...extra], tools: offered });

describe("the built-in demo model (npm run dev and try with no key and no endpoint)", () => {
  it("answers with fixed text that says it is a demo and repeats the question, the same every time", () => {
    const reply = ask("배포 체크리스트 정리해줘");
    expect(reply.text.split("\n")[0]).toBe("🧪 데모 모델의 답변이에요. 실제 AI가 아니라, 키 없이도 흐름을 시험해 볼 수 있게 정해진 글을 보내요.");
    expect(reply.text).toContain("받은 질문: 배포 체크리스트 정리해줘");
    expect(reply.toolCall).toBeUndefined();
    expect(ask("배포 체크리스트 정리해줘")).toEqual(reply);
  });

  it("asks for the channel's tools when the question names tasks or wiki pages, and only when they are offered", () => {
    expect(ask("이번 주 배포 관련 업무 알려줘").toolCall).toEqual({ name: "search_tasks", arguments: { query: "이번" } });
    expect(ask("위키 문서 목록 보여줘").toolCall).toEqual({ name: "list_wiki_pages", arguments: { wikiId: "3570526358279081999" } });
    expect(ask("이번 주 배포 관련 업무 알려줘", [], []).toolCall).toBeUndefined();
  });

  it("after the tools, names what it read and answers in text", () => {
    const reply = ask("이번 주 배포 관련 업무 알려줘", [
      { role: "assistant", content: null },
      { role: "tool", content: JSON.stringify({ tasks: [{ id: "1", subject: "이번 주 배포 체크리스트" }] }) },
    ]);
    expect(reply.toolCall).toBeUndefined();
    expect(reply.text).toContain("도구로 읽은 자료 1건: 이번 주 배포 체크리스트");
  });

  it("never ships, and a loopback endpoint (the demo's, any local server's) never reaches AWS: synth refuses it", () => {
    for (const entry of ["edge", "worker"] as const) expect(buildHandlerBundle(entry).inputs.filter((input) => input.startsWith("handler/dev/"))).toEqual([]);
    expect(() => parseEnvironments({ dev: { accountId: "111111111111", openaiBaseUrl: "https://127.0.0.1:8080/v1" } })).toThrowError(
      /openaiBaseUrl: .*loopback/,
    );
    expect(() =>
      parseEnvironments({
        dev: { accountId: "111111111111", modelEndpoints: [{ name: "local", baseUrl: "https://localhost/v1", model: "m", residency: "kr" }] },
      }),
    ).toThrowError(/modelEndpoints\[0\]\.baseUrl: .*loopback/);
  });
});
