import { afterEach, beforeAll, describe, expect, it } from "vitest";

import {
  SAMPLE_LOCKED_PROJECT_ID,
  SAMPLE_PROJECT_ID,
  SAMPLE_TOKEN,
  SAMPLE_WIKI_ID,
  type RecordedDoorayRequest,
  type SampleDoorayApi,
} from "../../handler/dev/sampleDoorayApi.js";
import { clearAccessCache } from "../../handler/tools/askerAccess.js";

import { API_KEY, askAndWait, CHANNEL_ID, USER_ID, type Harness } from "../support/harness.js";
import { sampleDoorayHarness } from "../support/sampleDoorayHarness.js";

/**
 * The channel's Dooray tools, end to end: a model that asks for tools, the worker running them against a loopback
 * Dooray API (the sample the repository ships), and the answer with its links (docs/architecture.md, "Dooray tools").
 */
const OTHER_CHANNEL = "9999999999999999999";
/** A channel scoped to the sample project and a locked one (SAMPLE_LOCKED_PROJECT_ID, "보안"). */
const TWO_PROJECTS_CHANNEL = "8888888888888888888";
const SCOPE = { projects: [SAMPLE_PROJECT_ID], wikis: [SAMPLE_WIKI_ID] };
const TASK_LINK = `https://guide.dooray.com/task/${SAMPLE_PROJECT_ID}/3570526358279082001`;
/** The asker's membership checks (askerAccess.ts), apart from the tools' own reads. */
const isAccessCheck = (request: RecordedDoorayRequest) =>
  /^\/project\/v1\/projects\/\d+(\/members\/\d+)?$/.test(request.path) || request.path === "/wiki/v1/wikis";

describe("Dooray tools", () => {
  const suite = sampleDoorayHarness({
    [CHANNEL_ID]: { name: "플랫폼", dooray: SCOPE },
    [OTHER_CHANNEL]: { name: "잡담" },
    [TWO_PROJECTS_CHANNEL]: { name: "플랫폼과 보안", dooray: { projects: [SAMPLE_PROJECT_ID, SAMPLE_LOCKED_PROJECT_ID], wikis: [] } },
  });
  let api: SampleDoorayApi;
  let h: Harness;
  beforeAll(() => ({ api, h } = suite));
  afterEach(async () => {
    await h.dev.idle();
    api.requests.length = 0;
    api.setMembers(SAMPLE_PROJECT_ID, undefined);
    api.failMembershipChecks(0);
    clearAccessCache();
  });
  const toolRequests = () => api.requests.filter((request) => !isAccessCheck(request));

  const ask = (question: string, overrides: Record<string, unknown> = {}) => askAndWait(h, question, overrides);
  const offered = (index: number) => (h.model.requests[index]?.body.tools ?? []).map((tool) => tool.function.name);

  it("offers the tools only in a channel whose profile grants a scope", async () => {
    const before = h.model.requests.length;
    await ask("안녕", { channelId: OTHER_CHANNEL });
    expect(offered(before)).toEqual([]);
    await ask("안녕");
    expect(offered(before + 1)).toEqual(["search_tasks", "read_task", "list_wiki_pages", "read_wiki_page"]);
    // Only scoped ids may be named: the schema lists them.
    expect(h.model.requests[before + 1]!.body.tools![0]!.function.parameters.properties.projectId).toMatchObject({ enum: [SAMPLE_PROJECT_ID] });
    // Before the model saw them: is the asker a member of the project, and of the wiki's project? Nothing else.
    expect(api.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      `GET /project/v1/projects/${SAMPLE_PROJECT_ID}/members/${USER_ID}`,
      "GET /wiki/v1/wikis",
    ]);
  });

  it("searches and reads a task with the token, shows what it looks up, and ends the answer with the task's link", async () => {
    const { posts, final } = await ask('배포 알려줘 [[call:search_tasks:{"query":"배포"}]] [[call:read_task:{"taskId":"3570526358279082001"}]]');
    expect(posts[0]).toBe("🔎 업무를 찾는 중…");
    expect(api.requests.every((request) => request.authorization === `dooray-api ${SAMPLE_TOKEN}`)).toBe(true);
    expect(toolRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /project/v1/projects/${SAMPLE_PROJECT_ID}/posts`,
      `GET /project/v1/projects/${SAMPLE_PROJECT_ID}/posts`,
      `GET /project/v1/projects/${SAMPLE_PROJECT_ID}/posts/3570526358279082001`,
      `GET /project/v1/projects/${SAMPLE_PROJECT_ID}/posts/3570526358279082001/logs`,
    ]);
    // Dooray's `subjects` matches whole titles; the words are also looked for in the recent tasks' titles.
    expect(toolRequests()[0]!.query).toMatchObject({ subjects: "배포" });
    // The model read the search (19-digit ids intact, though the list sent them as bare numbers) and the task.
    const toolMessages = h.model.requests
      .at(-1)!
      .body.messages.filter((message) => message.role === "tool")
      .map((message) => JSON.parse(message.content));
    expect(toolMessages[0].tasks.map((task: { taskId: string }) => task.taskId)).toEqual(["3570526358279082001", "3570526358279082002"]);
    expect(toolMessages[1]).toMatchObject({ title: "이번 주 배포 체크리스트", body: expect.stringContaining("카나리 10% 배포"), link: TASK_LINK });
    expect(final).toContain("카나리 10% 배포");
    expect(final.endsWith(`참고한 자료:\n- 이번 주 배포 체크리스트: ${TASK_LINK}`)).toBe(true);
    // Our own links to the tenant's Dooray pass the outside-link screen untouched.
    expect(final).toContain(`"link":"${TASK_LINK}"`);
  });

  it("refuses an argument outside the channel's scope before any request reaches Dooray", async () => {
    const { final } = await ask(
      '다른 프로젝트 [[call:read_task:{"taskId":"3570526358279082001","projectId":"1111111111111111111"}]] [[call:list_wiki_pages:{"wikiId":"2222222222222222222"}]]',
    );
    expect(toolRequests()).toEqual([]);
    const toolMessages = h.model.requests
      .at(-1)!
      .body.messages.filter((message) => message.role === "tool")
      .map((message) => JSON.parse(message.content));
    expect(toolMessages).toEqual([{ error: "that project is not open to this channel" }, { error: "that wiki is not open to this channel" }]);
    expect(final).not.toContain("참고한 자료");
    const refused = h.logs.map((line) => JSON.parse(line)).filter((entry) => entry.event === "tool.called");
    expect(refused.slice(-2).map((entry) => [entry.tool, entry.ok, entry.failure])).toEqual([
      ["read_task", false, "outOfScope"],
      ["list_wiki_pages", false, "outOfScope"],
    ]);
  });

  it("reads a wiki page and links it", async () => {
    const { posts, final } = await ask(
      '롤백 [[call:list_wiki_pages:{"wikiId":"3570526358279081999"}]] [[call:read_wiki_page:{"pageId":"3570526358279083002"}]]',
    );
    expect(posts[0]).toBe("📖 위키를 읽는 중…");
    expect(final).toContain("이전 커밋으로 되돌리는 PR");
    expect(final.endsWith("참고한 자료:\n- 롤백 절차: https://guide.dooray.com/project/pages/3570526358279083002")).toBe(true);
  });

  it("waits out a 429 as Dooray's headers say, and tells the model of a task that is not there", async () => {
    api.rateLimitNext(1);
    const { final } = await ask('[[call:read_task:{"taskId":"3570526358279089999"}]]');
    // The first call of the job, the membership check, met the 429, waited it out and went on.
    expect(api.requests.filter((request) => request.path.includes("/members/")).length).toBe(2);
    expect(toolRequests().map((request) => request.path)).toEqual([`/project/v1/projects/${SAMPLE_PROJECT_ID}/posts/3570526358279089999`]);
    expect(final).toContain('자료: {"error":"not found, or not visible to the bot\'s Dooray account"}');
    const entry = h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "tool.called");
    expect(entry).toMatchObject({ tool: "read_task", ok: false, failure: "notFound", items: 0 });
  });

  it("reserves and settles each model call of a tool round against the budgets, and stops after three rounds", async () => {
    const channelTokens = async () => Number(/이 채널: ([\d,]+) 토큰/.exec((await h.command("사용량")).body.text)![1]!.replace(/,/g, ""));
    const usedBefore = await channelTokens();
    const before = h.model.requests.length;
    const call = '[[call:search_tasks:{"query":"배포"}]]';
    await ask(`여러 번 ${call} ${call} ${call} ${call}`);
    // Three rounds may ask for tools; the fourth call gets none, so it answers.
    expect(h.model.requests.slice(before).map((request) => (request.body.tools ?? []).length)).toEqual([4, 4, 4, 0]);
    const finished = h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "job.finished");
    expect(finished).toMatchObject({ outcome: "answered", toolRounds: 3 });
    // Each call's reported usage (the fake counts a token per character), every round's prompt included, is charged.
    const reported = h.model.requests
      .slice(before)
      .reduce((sum, request) => sum + request.body.messages.reduce((chars, message) => chars + (message.content ?? "").length, 0), 0);
    expect(finished.usedTokens).toBeGreaterThan(reported);
    expect((await channelTokens()) - usedBefore).toBe(finished.usedTokens);
  });

  describe("the asker's own access", () => {
    const NOT_MEMBER_NOTICE = "🔒 플랫폼 프로젝트, 플랫폼 위키는 구성원만 볼 수 있어서 이번 답변에는 넣지 않았어요.";

    it("a member of one scoped project and not the other: the model sees and searches only the open one, and the person is told which was left out", async () => {
      const before = h.model.requests.length;
      const { final } = await ask(
        '배포 [[call:search_tasks:{"query":"배포"}]] [[call:read_task:{"taskId":"3570526358279082001","projectId":"3570526358279081600"}]]',
        { channelId: TWO_PROJECTS_CHANNEL },
      );
      expect(h.model.requests[before]!.body.tools![0]!.function.parameters.properties.projectId).toMatchObject({ enum: [SAMPLE_PROJECT_ID] });
      // The search went to the open project only, and the locked one was refused before any request.
      expect(toolRequests().every((request) => request.path.startsWith(`/project/v1/projects/${SAMPLE_PROJECT_ID}/`))).toBe(true);
      expect(toolRequests().length).toBeGreaterThan(0);
      const toolAnswers = h.model.requests
        .at(-1)!
        .body.messages.filter((message) => message.role === "tool")
        .map((message) => JSON.parse(message.content));
      expect(toolAnswers[1]).toEqual({ error: "that project is not open to this channel" });
      expect(final).toContain("🔒 보안 프로젝트는 구성원만 볼 수 있어서 이번 답변에는 넣지 않았어요.");
      expect(final).toContain("참고한 자료:");
    });

    for (const [who, roles] of [
      ["an outsider (404 on the check)", { "1111111111111111111": "member" }],
      ["a leaver (left the project)", { [USER_ID]: "leaver" }],
      ["a guest-like role that is not admin or member", { [USER_ID]: "guest" }],
    ] as const) {
      it(`${who} gets no tools: neither the project nor its wiki, and the answer says so`, async () => {
        api.setMembers(SAMPLE_PROJECT_ID, roles);
        const before = h.model.requests.length;
        const { final } = await ask('배포 [[call:search_tasks:{"query":"배포"}]]');
        expect(h.model.requests[before]!.body.tools ?? []).toEqual([]);
        expect(toolRequests()).toEqual([]);
        expect(final).toContain(NOT_MEMBER_NOTICE);
        expect(final).not.toContain("참고한 자료");
        const access = h.logs.map((line) => JSON.parse(line)).findLast((entry) => entry.event === "tools.access");
        expect(access).toMatchObject({ allowed: 0, notMember: 2, unchecked: 0 });
      });
    }

    it("the wiki counts as its project's: a member of the project reads the wiki", async () => {
      api.setMembers(SAMPLE_PROJECT_ID, { [USER_ID]: "admin" });
      const { final } = await ask('[[call:read_wiki_page:{"pageId":"3570526358279083002"}]]');
      expect(final).toContain("이전 커밋으로 되돌리는 PR");
      expect(final).not.toContain("🔒");
    });

    it("when Dooray cannot answer the check, nothing is read for this question, and the person is told it was not checked", async () => {
      api.failMembershipChecks(1);
      const before = h.model.requests.length;
      const { final } = await ask('배포 [[call:search_tasks:{"query":"배포"}]]');
      expect(h.model.requests[before]!.body.tools ?? []).toEqual([]);
      expect(toolRequests()).toEqual([]);
      expect(final).toContain("⚠️ 두레이가 제때 답하지 않아 플랫폼 프로젝트, 플랫폼 위키의 구성원인지 확인하지 못했어요. 이번 답변에는 넣지 않았어요.");
      // Not remembered: the next question asks again, and reads.
      api.requests.length = 0;
      const again = await ask('배포 [[call:search_tasks:{"query":"배포"}]]');
      expect(api.requests.some((request) => request.path.endsWith(`/members/${USER_ID}`))).toBe(true);
      expect(again.final).toContain("참고한 자료:");
    });

    it("asks once per project and person for a few minutes: a second question checks nothing again", async () => {
      await ask('[[call:search_tasks:{"query":"배포"}]]');
      api.requests.length = 0;
      await ask('[[call:search_tasks:{"query":"배포"}]]');
      expect(api.requests.filter(isAccessCheck)).toEqual([]);
      expect(toolRequests().length).toBeGreaterThan(0);
    });
  });

  it("keeps company data out of every log line: tool names, counts and times only", async () => {
    await ask('[[call:read_task:{"taskId":"3570526358279082001"}]]');
    const all = h.logs.join("\n");
    for (const secretOrData of [SAMPLE_TOKEN, "카나리", "이번 주 배포 체크리스트", "3570526358279082001", API_KEY]) expect(all).not.toContain(secretOrData);
  });
});
