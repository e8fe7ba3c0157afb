import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  PAGES,
  SAMPLE_BOT_MEMBER_ID,
  SAMPLE_LOCKED_PROJECT_ID,
  SAMPLE_PROJECT_ID,
  SAMPLE_TOKEN,
  SAMPLE_WIKI_ID,
  TASKS,
  type SampleMembers,
  type SampleTask,
} from "./sampleDoorayData.js";

export { SAMPLE_BOT_MEMBER_ID, SAMPLE_LOCKED_PROJECT_ID, SAMPLE_PROJECT_ID, SAMPLE_TOKEN, SAMPLE_WIKI_ID, type SampleMembers } from "./sampleDoorayData.js";

export interface RecordedDoorayRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface SampleDoorayApi {
  readonly url: string;
  readonly requests: RecordedDoorayRequest[];
  /** Tasks created through the API, in order. */
  readonly created: { projectId: string; subject: string; body: string; id: string }[];
  /** The next `count` requests get 429 with Dooray's rate-limit headers. */
  rateLimitNext(count: number): void;
  /** The next task creation is refused as a project with a mandatory tag group refuses it (500). */
  refuseNextCreate(): void;
  /** The next task creation is recorded, then its answer is lost (the connection drops), as a slow Dooray's can be. */
  loseNextCreateAnswer(): void;
  /** A task listed in the sample project from now on (a test's poisoned, odd or misplaced content); returns its id. */
  addTask(subject: string, body: unknown, options?: { claimsProject?: string }): string;
  /** A project's members from now on (member id → role; "*" for anyone); undefined restores the default. */
  setMembers(projectId: string, members: SampleMembers | undefined): void;
  /** The next membership checks answer 500, as Dooray does when it cannot answer. */
  failMembershipChecks(count: number): void;
  close(): Promise<void>;
}

/**
 * A small Dooray REST API on loopback, with a few tasks and wiki pages, for `npm run dev`, `npm run try` and the
 * tests (docs/operations.md, "Dooray tools"). It answers the calls the tools make, in Dooray's envelope, checks
 * `Authorization: dooray-api <token>`, sends task ids as bare 19-digit numbers in lists (as some Dooray answers do)
 * and records every request it gets, so a test can show what reached it and what did not.
 */
export async function startSampleDoorayApi(options: { token?: string; port?: number } = {}): Promise<SampleDoorayApi> {
  const token = options.token ?? SAMPLE_TOKEN;
  const requests: RecordedDoorayRequest[] = [];
  const created: SampleDoorayApi["created"] = [];
  let limited = 0;
  let refuseCreate = false;
  let failMembers = 0;
  let loseCreateAnswer = false;
  const DEFAULT_MEMBERS: Record<string, SampleMembers> = { [SAMPLE_PROJECT_ID]: { "*": "member" }, [SAMPLE_LOCKED_PROJECT_ID]: {} };
  const members = new Map<string, SampleMembers>(Object.entries(DEFAULT_MEMBERS));
  const tasks = [...TASKS];
  const server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      const url = new URL(request.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        // As Dooray does: a body that is not JSON is the caller's mistake, answered 400, never a crash of npm run dev.
        return send(response, 400, { header: { isSuccessful: false, resultCode: -400, resultMessage: "Bad Request" }, result: null });
      }
      requests.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: request.headers.authorization,
        body,
      });
      if (limited > 0) {
        limited--;
        response.setHeader("x-ratelimit-remaining", "0");
        response.setHeader("x-ratelimit-requested-tokens", "1");
        response.setHeader("x-ratelimit-burst-capacity", "20");
        response.setHeader("x-ratelimit-replenish-rate", "5");
        return send(response, 429, { header: { isSuccessful: false, resultCode: -429, resultMessage: "Too Many Requests" }, result: null });
      }
      if (request.headers.authorization !== `dooray-api ${token}`)
        return send(response, 401, { header: { isSuccessful: false, resultCode: -401, resultMessage: "Unauthorized" }, result: null });
      route(request, response, url, body);
    })();
  });

  function route(request: IncomingMessage, response: ServerResponse, url: URL, body: unknown): void {
    const parts = url.pathname.split("/").filter(Boolean);
    const ok = (result: unknown, totalCount?: number) =>
      send(response, 200, { header: { isSuccessful: true, resultCode: 0, resultMessage: "" }, result, ...(totalCount === undefined ? {} : { totalCount }) });
    const notFound = () => send(response, 404, { header: { isSuccessful: false, resultCode: -404, resultMessage: "Not Found" }, result: null });
    // common/v1/members/me: the token's own account.
    if (url.pathname === "/common/v1/members/me") return ok({ id: SAMPLE_BOT_MEMBER_ID, name: "dooray-gpt-bot" });
    // project/v1/projects/{projectId}/members/{memberId}: the member's role, or 404 for someone who is not one.
    if (parts[0] === "project" && parts[2] === "projects" && parts[4] === "members" && parts.length === 6) {
      if (failMembers > 0) {
        failMembers--;
        return send(response, 500, { header: { isSuccessful: false, resultCode: -500, resultMessage: "Internal Server Error" }, result: null });
      }
      const roles = members.get(parts[3]!);
      const role = roles?.[parts[5]!] ?? roles?.["*"];
      return roles && role ? ok({ organizationMemberId: parts[5], role }) : notFound();
    }
    // project/v1/projects/{projectId}
    if (parts[0] === "project" && parts[2] === "projects" && parts.length === 4) {
      const code = { [SAMPLE_PROJECT_ID]: "플랫폼", [SAMPLE_LOCKED_PROJECT_ID]: "보안" }[parts[3]!];
      return code ? ok({ id: parts[3], code, scope: "private" }) : notFound();
    }
    // wiki/v1/wikis: the wikis the token's account sees, each with its project.
    if (parts[0] === "wiki" && parts[2] === "wikis" && parts.length === 3) {
      return ok(
        [{ id: SAMPLE_WIKI_ID, project: { id: SAMPLE_PROJECT_ID }, name: "플랫폼", type: "project", scope: "private", home: { pageId: PAGES[0]!.id } }],
        1,
      );
    }
    // project/v1/projects/{projectId}/posts[/{postId}[/logs]]
    if (parts[0] === "project" && parts[2] === "projects" && parts[4] === "posts") {
      if (parts[3] !== SAMPLE_PROJECT_ID) return notFound();
      if (request.method === "POST" && parts.length === 5) {
        if (refuseCreate) {
          refuseCreate = false;
          return send(response, 500, { header: { isSuccessful: false, resultCode: -500100, resultMessage: "필수 태그를 지정해야 합니다." }, result: null });
        }
        const fields = body as { subject?: string; body?: { content?: string } };
        const id = `35705263582790850${String(created.length + 1).padStart(2, "0")}`;
        created.push({ projectId: parts[3]!, subject: String(fields.subject ?? ""), body: String(fields.body?.content ?? ""), id });
        tasks.unshift({
          id,
          number: 200 + created.length,
          subject: String(fields.subject ?? ""),
          workflowClass: "registered",
          updatedAt: new Date().toISOString(),
          createdAt: new Date().toISOString(),
          creatorId: SAMPLE_BOT_MEMBER_ID,
          body: String(fields.body?.content ?? ""),
          comments: [],
        });
        if (loseCreateAnswer) {
          loseCreateAnswer = false;
          return void request.socket.destroy();
        }
        return ok({ id });
      }
      const task = tasks.find((candidate) => candidate.id === parts[5]);
      if (parts.length === 5) {
        const subjects = url.searchParams.get("subjects");
        const from = url.searchParams.get("fromMemberIds")?.split(",");
        const [since, until] = (url.searchParams.get("createdAt") ?? "~").split("~").map((at) => (at ? Date.parse(at) : undefined));
        const createdIn = (task: SampleTask) =>
          (since === undefined && until === undefined) ||
          (task.createdAt !== undefined &&
            (since === undefined || Date.parse(task.createdAt) >= since) &&
            (until === undefined || Date.parse(task.createdAt) <= until));
        // Like Dooray's `subjects` as some clients report it: whole titles only.
        const listed = tasks
          .filter(
            (candidate) =>
              (subjects === null || candidate.subject === subjects) &&
              (!from || (candidate.creatorId !== undefined && from.includes(candidate.creatorId))) &&
              createdIn(candidate),
          )
          .slice(0, Number(url.searchParams.get("size") ?? 20));
        return sendRaw(
          response,
          200,
          JSON.stringify({
            header: { isSuccessful: true, resultCode: 0, resultMessage: "" },
            result: listed.map(({ body: _body, comments: _comments, projectId, creatorId: _creator, ...item }) => ({
              ...item,
              project: { id: projectId ?? SAMPLE_PROJECT_ID, code: "플랫폼" },
            })),
            totalCount: String(listed.length),
          }).replace(/"id":"(\d{19})"/g, '"id":$1'),
        );
      }
      if (!task) return notFound();
      if (parts.length === 6)
        return ok({
          ...task,
          projectId: undefined,
          project: { id: task.projectId ?? SAMPLE_PROJECT_ID, code: "플랫폼" },
          body: { mimeType: "text/x-markdown", content: task.body },
          users: { to: [{ type: "member", member: { organizationMemberId: "1", name: "김배포" } }] },
          comments: undefined,
        });
      if (parts[6] === "logs")
        return ok(
          task.comments.map((comment, index) => ({
            id: String(index + 1),
            type: "comment",
            createdAt: task.updatedAt,
            creator: { type: "member", member: { organizationMemberId: "2", name: "이리뷰" } },
            body: { mimeType: "text/x-markdown", content: comment },
          })),
          task.comments.length,
        );
      return notFound();
    }
    // wiki/v1/wikis/{wikiId}/pages[/{pageId}]
    if (parts[0] === "wiki" && parts[2] === "wikis" && parts[4] === "pages") {
      if (parts[3] !== SAMPLE_WIKI_ID) return notFound();
      if (parts.length === 5) {
        const parent = url.searchParams.get("parentPageId") ?? undefined;
        return ok(
          PAGES.filter((page) => page.parentPageId === parent).map(({ body: _body, ...page }) => ({
            ...page,
            wikiId: SAMPLE_WIKI_ID,
            root: page.parentPageId === undefined,
          })),
        );
      }
      const page = PAGES.find((candidate) => candidate.id === parts[5]);
      return page
        ? ok({ ...page, wikiId: SAMPLE_WIKI_ID, body: { mimeType: "text/x-markdown", content: page.body }, updatedAt: "2026-11-25T12:00:00+09:00" })
        : notFound();
    }
    notFound();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    created,
    rateLimitNext: (count) => (limited = count),
    refuseNextCreate: () => (refuseCreate = true),
    loseNextCreateAnswer: () => (loseCreateAnswer = true),
    setMembers: (projectId, roles) => {
      if (roles) members.set(projectId, roles);
      else if (DEFAULT_MEMBERS[projectId]) members.set(projectId, DEFAULT_MEMBERS[projectId]);
      else members.delete(projectId);
    },
    failMembershipChecks: (count) => (failMembers = count),
    addTask: (subject, body, options = {}) => {
      const id = `35705263582790821${String(tasks.length).padStart(2, "0")}`;
      tasks.unshift({
        id,
        ...(options.claimsProject ? { projectId: options.claimsProject } : {}),
        number: 100 + tasks.length,
        subject,
        workflowClass: "registered",
        updatedAt: "2026-12-01T09:00:00+09:00",
        body,
        comments: [],
      });
      return id;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendRaw(response, status, JSON.stringify(body));
}

function sendRaw(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "application/json;charset=UTF-8" }).end(text);
}
