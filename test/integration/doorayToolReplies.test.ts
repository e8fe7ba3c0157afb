import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { SAMPLE_LOCKED_PROJECT_ID, SAMPLE_PROJECT_ID, SAMPLE_TOKEN, SAMPLE_WIKI_ID, type SampleDoorayApi } from "../../handler/dev/sampleDoorayApi.js";
import { clearAccessCache } from "../../handler/tools/askerAccess.js";
import { MAX_JOB_TOOL_RESULT_BYTES } from "../../handler/worker/toolRounds.js";
import { askAndWait, CHANNEL_ID, USER_ID, type Harness } from "../support/harness.js";
import { sampleDoorayHarness } from "../support/sampleDoorayHarness.js";

/** Dooray replies the tools read are checked before the model sees them, and a failing call stays in its own result. */
/** A channel scoped to the sample project and a locked one (SAMPLE_LOCKED_PROJECT_ID, "보안"). */
const TWO_PROJECTS_CHANNEL = "8888888888888888888";
const SCOPE = { projects: [SAMPLE_PROJECT_ID], wikis: [SAMPLE_WIKI_ID] };

describe("Dooray tools: replies are checked, errors stay local", () => {
  const suite = sampleDoorayHarness({
    [CHANNEL_ID]: { name: "플랫폼", dooray: SCOPE },
    [TWO_PROJECTS_CHANNEL]: { name: "플랫폼과 보안", dooray: { projects: [SAMPLE_PROJECT_ID, SAMPLE_LOCKED_PROJECT_ID], wikis: [] } },
  });
  let api: SampleDoorayApi;
  let h: Harness;
  beforeAll(() => ({ api, h } = suite));
  afterEach(() => {
    api.requests.length = 0;
    api.setMembers(SAMPLE_LOCKED_PROJECT_ID, undefined);
    clearAccessCache();
  });
  const ask = (question: string, overrides: Record<string, unknown> = {}) => askAndWait(h, question, overrides);
  const toolAnswers = () =>
    h.model.requests
      .at(-1)!
      .body.messages.filter((message) => message.role === "tool")
      .map((message) => JSON.parse(message.content) as Record<string, unknown>);

  it("refuses a task whose reply says it belongs to a project outside the scope, before the model reads it", async () => {
    const misplaced = api.addTask("다른 프로젝트의 업무", "보이면 안 되는 본문 OUTSIDE-SCOPE-BODY", { claimsProject: "1111111111111111111" });
    const { final } = await ask(`[[call:read_task:{"taskId":"${misplaced}"}]] [[call:search_tasks:{"query":"다른 프로젝트의"}]]`);
    expect(toolAnswers()[0]).toEqual({ error: "that task is not in this channel's projects" });
    expect((toolAnswers()[1]!.tasks as unknown[]).length).toBe(0);
    expect(JSON.stringify(h.model.requests.at(-1)!.body.messages)).not.toContain("OUTSIDE-SCOPE-BODY");
    expect(final).not.toContain("참고한 자료");
  });

  it("searches every project that answers when one of them refuses, and names the one it could not search", async () => {
    api.setMembers(SAMPLE_LOCKED_PROJECT_ID, { [USER_ID]: "member" });
    try {
      await ask('[[call:search_tasks:{"query":"배포"}]]', { channelId: TWO_PROJECTS_CHANNEL });
      const [search] = toolAnswers();
      expect((search!.tasks as { taskId: string }[]).map((task) => task.taskId)).toContain("3570526358279082001");
      expect(search!.notSearched).toEqual([{ projectId: SAMPLE_LOCKED_PROJECT_ID, reason: "not found, or not visible to the bot's Dooray account" }]);
    } finally {
      api.setMembers(SAMPLE_LOCKED_PROJECT_ID, undefined);
    }
  });

  it("reads a task whose body is not a string as empty, instead of failing the answer", async () => {
    const odd = api.addTask("본문이 이상한 업무", { blocks: ["not", "a", "string"] });
    const { final } = await ask(`[[call:read_task:{"taskId":"${odd}"}]]`);
    expect(toolAnswers()[0]).toMatchObject({ title: "본문이 이상한 업무", body: "" });
    expect(final).toContain("참고한 자료:");
    const answered = h.logs.map((line) => JSON.parse(line)).findLast((entry) => entry.event === "job.modelError" || entry.event === "job.answered");
    expect(answered?.event).not.toBe("job.modelError");
  });

  it("caps what one question's tool results add up to, telling the model to answer from what it has", async () => {
    const long = api.addTask("긴 회의록", "가나다라마바사아자차카타파하".repeat(250));
    await ask(`[[calls:3:read_task:{"taskId":"${long}"}]]`);
    const answers = toolAnswers();
    const bytes = h.model.requests
      .at(-1)!
      .body.messages.filter((message) => message.role === "tool")
      .reduce((sum, message) => sum + Buffer.byteLength(message.content, "utf8"), 0);
    expect(answers[0]).toMatchObject({ title: "긴 회의록" });
    expect(answers.at(-1)).toEqual({ error: "this question has read as much as it may; answer from what you already have" });
    expect(bytes).toBeLessThanOrEqual(MAX_JOB_TOOL_RESULT_BYTES + 200);
    expect(h.logs.map((line) => JSON.parse(line)).some((entry) => entry.event === "tool.resultsCapped")).toBe(true);
  });

  it("logs a tool the bot does not offer as unknown, never as the model named it", async () => {
    await ask("[[call:exfiltrate_SECRET_ROADMAP_Q3_0123456789:{}]]");
    const entry = h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "tool.called");
    expect(entry).toMatchObject({ tool: "unknown", ok: false, failure: "badArguments" });
    expect(h.logs.join("\n")).not.toContain("SECRET_ROADMAP");
  });

  it("the sample Dooray API answers a body that is not JSON with 400, and goes on serving", async () => {
    const post = await fetch(`${api.url}/project/v1/projects/${SAMPLE_PROJECT_ID}/posts`, {
      method: "POST",
      headers: { authorization: `dooray-api ${SAMPLE_TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(post.status).toBe(400);
    expect(((await post.json()) as { header: { isSuccessful: boolean } }).header.isSuccessful).toBe(false);
    const after = await fetch(`${api.url}/project/v1/projects/${SAMPLE_PROJECT_ID}`, { headers: { authorization: `dooray-api ${SAMPLE_TOKEN}` } });
    expect(after.status).toBe(200);
  });

  it("builds links on the responseUrl's host when the request's tenant domain is not an allowed Dooray host", async () => {
    const { final } = await ask('[[call:read_task:{"taskId":"3570526358279082001"}]]', { tenantDomain: "evil.example" });
    expect(final).toMatch(new RegExp(`- 이번 주 배포 체크리스트: https://127\\.0\\.0\\.1:\\d+/task/${SAMPLE_PROJECT_ID}/3570526358279082001`));
    expect(final).not.toContain("evil.example");
  });
});
