import type { DoorayScope } from "../channelProfiles.js";
import { taskLink, wikiPageLink } from "./doorayLinks.js";
import { DoorayApiError, type DoorayFailure, type DoorayRest } from "./doorayRest.js";

export { TOOL_NAMES, toolsFor, type ToolDefinition, type ToolName } from "./toolDefinitions.js";

/**
 * The read-only tools a channel's scope grants the model (docs/architecture.md, "Dooray tools"). Every argument is
 * checked against the scope before any request: a call outside it gets an error back and never reaches Dooray.
 * Results are bounded and carry each item's web link; what was found becomes the answer's sources.
 */

/** The most one tool result gives the model, in characters (bodies are cut first). */
export const MAX_TOOL_RESULT_CHARS = 6_000;
/** Tasks one search returns at most. */
export const MAX_SEARCH_RESULTS = 10;
/** A task's or a page's body, at most, inside a result. */
export const MAX_BODY_CHARS = 3_000;
/** Comments read_task adds, newest first. */
export const MAX_COMMENTS = 5;
/** Recent tasks a search also reads per project to match words in titles (Dooray's `subjects` filter may match whole titles only). */
export const RECENT_TASKS_SCANNED = 100;

export interface Source {
  readonly title: string;
  readonly url: string;
  /** The project or wiki it is in, as a person names it ("플랫폼 프로젝트"). */
  readonly place?: string;
}

export interface ToolResult {
  /** What the model reads: JSON, at most MAX_TOOL_RESULT_CHARS. */
  readonly content: string;
  /** Items it returned, with their links, for the answer's sources. */
  readonly sources: readonly Source[];
  /** Whether these were read in full (a task, a page) or only found (a search, a listing). */
  readonly read: boolean;
  /** Why it failed, for the log line (never the arguments). */
  readonly failure?: DoorayFailure | "outOfScope" | "badArguments";
}

export interface ToolContext {
  /** A scoped project's or wiki's name for people, where Dooray gave one (else its id). */
  readonly placeName?: (kind: "project" | "wiki", id: string) => string | undefined;
  readonly scope: DoorayScope;
  readonly rest: DoorayRest;
  readonly tenantDomain: string;
}

/** Runs one tool call the model asked for; never throws (a failure is a result the model reads). */
export async function runTool(name: string, rawArguments: string, context: ToolContext): Promise<ToolResult> {
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(rawArguments || "{}") as Record<string, unknown>;
    if (typeof args !== "object" || args === null) throw new Error("not an object");
  } catch {
    return refusal("badArguments", "the arguments were not a JSON object");
  }
  const id = (key: string) =>
    typeof args[key] === "string" && /^\d{1,30}$/.test(args[key] as string) ? (args[key] as string) : args[key] === undefined ? undefined : null;
  const { scope } = context;
  const inScope = (value: string | undefined | null, allowed: readonly string[]) => value === undefined || (value !== null && allowed.includes(value));
  try {
    switch (name) {
      case "search_tasks": {
        const query = typeof args.query === "string" ? args.query.trim().slice(0, 200) : "";
        if (!query) return refusal("badArguments", "query is required");
        if (!inScope(id("projectId"), scope.projects)) return refusal("outOfScope", "that project is not open to this channel");
        return await searchTasks(query, id("projectId") ? [id("projectId")!] : scope.projects, context);
      }
      case "read_task": {
        const taskId = id("taskId");
        if (!taskId) return refusal("badArguments", "taskId must be a task id (digits)");
        if (!inScope(id("projectId"), scope.projects)) return refusal("outOfScope", "that project is not open to this channel");
        return await readTask(taskId, id("projectId") ? [id("projectId")!] : scope.projects, context);
      }
      case "list_wiki_pages": {
        const wikiId = id("wikiId");
        if (!wikiId || !scope.wikis.includes(wikiId)) return refusal("outOfScope", "that wiki is not open to this channel");
        const parentPageId = id("parentPageId");
        if (parentPageId === null) return refusal("badArguments", "parentPageId must be a page id (digits)");
        return await listPages(wikiId, parentPageId, context);
      }
      case "read_wiki_page": {
        const pageId = id("pageId");
        if (!pageId) return refusal("badArguments", "pageId must be a page id (digits)");
        if (!inScope(id("wikiId"), scope.wikis)) return refusal("outOfScope", "that wiki is not open to this channel");
        return await readPage(pageId, id("wikiId") ? [id("wikiId")!] : scope.wikis, context);
      }
      default:
        return refusal("badArguments", `no tool named ${name.slice(0, 40)}`);
    }
  } catch (error) {
    if (error instanceof DoorayApiError) return refusal(error.failure, FAILURE_TEXT[error.failure]);
    throw error;
  }
}

/** What the model is told when Dooray said no; it then tells the person in its own words. */
const FAILURE_TEXT: Record<DoorayFailure, string> = {
  tokenRejected: "Dooray refused the bot's API token (revoked or wrong); the admin must set a new one",
  forbidden: "the bot's Dooray account may not see this",
  notFound: "not found, or not visible to the bot's Dooray account",
  rateLimited: "Dooray is rate-limiting the bot; try again in a moment",
  badRequest: "Dooray did not accept the request",
  unavailable: "Dooray did not answer in time",
};

function refusal(failure: NonNullable<ToolResult["failure"]>, message: string): ToolResult {
  return { content: JSON.stringify({ error: message }), sources: [], read: false, failure };
}

type TaskItem = { id: string; subject: unknown; number?: number; workflowClass?: string; updatedAt?: string; project?: { id: string; code?: string } };

async function searchTasks(query: string, projects: readonly string[], context: ToolContext): Promise<ToolResult> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = new Map<string, TaskItem & { projectId: string }>();
  // One project that refuses (403, 404) or fails does not sink the others: it is named, and the rest come back.
  const skipped: { projectId: string; reason: string }[] = [];
  for (const projectId of projects) {
    const path = `project/v1/projects/${projectId}/posts`;
    let lists: [{ items: TaskItem[] }, { items: TaskItem[] }];
    try {
      lists = await Promise.all([
        context.rest.list<TaskItem>(path, { subjects: query, size: MAX_SEARCH_RESULTS, order: "-postUpdatedAt" }),
        context.rest.list<TaskItem>(path, { size: RECENT_TASKS_SCANNED, order: "-postUpdatedAt" }),
      ]);
    } catch (error) {
      if (!(error instanceof DoorayApiError) || error.failure === "tokenRejected" || projects.length === 1) throw error;
      skipped.push({ projectId, reason: FAILURE_TEXT[error.failure] });
      continue;
    }
    const [byTitle, recent] = lists;
    const matching = recent.items.filter((task) => words.every((word) => textOf(task.subject).toLowerCase().includes(word)));
    // A reply is held to the scope too: a task that says it belongs elsewhere never reaches the model.
    for (const task of [...byTitle.items, ...matching])
      if (!found.has(String(task.id)) && inProject(task, projectId)) found.set(String(task.id), { ...task, projectId });
  }
  const tasks = [...found.values()].sort((a, b) => String(b.updatedAt ?? "").localeCompare(String(a.updatedAt ?? ""))).slice(0, MAX_SEARCH_RESULTS);
  const items = tasks.map((task) => ({
    taskId: String(task.id),
    projectId: task.projectId,
    title: textOf(task.subject),
    status: task.workflowClass,
    updatedAt: task.updatedAt,
    link: taskLink(context.tenantDomain, task.projectId, String(task.id)),
  }));
  const codes = new Map(tasks.map((task) => [task.projectId, typeof task.project?.code === "string" ? task.project.code : undefined]));
  return bounded(
    { tasks: items, ...(items.length === 0 ? { note: "no task title contains those words" } : {}), ...(skipped.length > 0 ? { notSearched: skipped } : {}) },
    items.map((item) => ({ title: item.title, url: item.link, place: projectPlace(context, item.projectId, codes.get(item.projectId)) })),
    false,
  );
}

/** Whether a task from a project's list or read names that project, or none (Dooray's lists may leave it out). */
const inProject = (task: { project?: { id?: unknown } }, projectId: string) => task.project?.id === undefined || String(task.project.id) === projectId;

/** Text Dooray sent as a string, else nothing: a body or title of another shape is read as empty. */
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

type TaskDetail = TaskItem & { body?: { content?: unknown }; dueDate?: string | null; users?: { to?: { member?: { name?: string } }[] } };
type Comment = { type?: string; createdAt?: string; body?: { content?: unknown }; creator?: { member?: { name?: string } } };

async function readTask(taskId: string, projects: readonly string[], context: ToolContext): Promise<ToolResult> {
  // Only inside the scope: each scoped project is asked for the task, never Dooray's project-less read.
  const found = await firstFound(projects, (projectId) => context.rest.get<TaskDetail>(`project/v1/projects/${projectId}/posts/${taskId}`));
  if (!found) return refusal("notFound", FAILURE_TEXT.notFound);
  const { container: projectId, value: task } = found;
  if (!inProject(task, projectId)) return refusal("outOfScope", "that task is not in this channel's projects");
  const logs = await context.rest
    .list<Comment>(`project/v1/projects/${projectId}/posts/${taskId}/logs`, { order: "-createdAt", size: 20 })
    .catch(() => ({ items: [] as Comment[] }));
  const comments = logs.items
    .filter((log) => log.type !== "event")
    .slice(0, MAX_COMMENTS)
    .map((log) => ({ at: log.createdAt, by: log.creator?.member?.name, text: cut(textOf(log.body?.content), 500) }));
  const link = taskLink(context.tenantDomain, projectId, taskId);
  const title = textOf(task.subject);
  return bounded(
    {
      taskId,
      projectId,
      title,
      status: task.workflowClass,
      dueDate: task.dueDate ?? undefined,
      assignees: (task.users?.to ?? []).map((to) => to.member?.name).filter(Boolean),
      updatedAt: task.updatedAt,
      body: cut(textOf(task.body?.content), MAX_BODY_CHARS),
      comments,
      link,
    },
    [{ title, url: link, place: projectPlace(context, projectId, typeof task.project?.code === "string" ? task.project.code : undefined) }],
    true,
  );
}

/** "플랫폼 프로젝트": the code Dooray gave, or the name the access check learned, or the id. */
const projectPlace = (context: ToolContext, projectId: string, code: string | undefined) =>
  `${code ?? context.placeName?.("project", projectId) ?? projectId} 프로젝트`;
const wikiPlace = (context: ToolContext, wikiId: string) => `${context.placeName?.("wiki", wikiId) ?? wikiId} 위키`;

/** The first scoped project or wiki that holds the item, each asked in turn: a 404 means "not here". */
async function firstFound<T>(containers: readonly string[], read: (id: string) => Promise<T>): Promise<{ container: string; value: T } | undefined> {
  for (const container of containers) {
    try {
      return { container, value: await read(container) };
    } catch (error) {
      if (!(error instanceof DoorayApiError && error.failure === "notFound")) throw error;
    }
  }
  return undefined;
}

type PageItem = { id: string; subject?: unknown; parentPageId?: string; body?: { content?: unknown }; updatedAt?: string; wikiId?: string };

async function listPages(wikiId: string, parentPageId: string | undefined, context: ToolContext): Promise<ToolResult> {
  const pages = await context.rest.list<PageItem>(`wiki/v1/wikis/${wikiId}/pages`, { parentPageId });
  const inWiki = pages.items.filter(
    (page) =>
      (page.wikiId === undefined || String(page.wikiId) === wikiId) &&
      (parentPageId === undefined || page.parentPageId === undefined || String(page.parentPageId) === parentPageId),
  );
  const items = inWiki
    .slice(0, 50)
    .map((page) => ({ pageId: String(page.id), title: textOf(page.subject), link: wikiPageLink(context.tenantDomain, String(page.id)) }));
  return bounded(
    { wikiId, parentPageId, pages: items },
    items.map((item) => ({ title: item.title, url: item.link, place: wikiPlace(context, wikiId) })),
    false,
  );
}

async function readPage(pageId: string, wikis: readonly string[], context: ToolContext): Promise<ToolResult> {
  const found = await firstFound(wikis, (wikiId) => context.rest.get<PageItem>(`wiki/v1/wikis/${wikiId}/pages/${pageId}`));
  if (!found) return refusal("notFound", FAILURE_TEXT.notFound);
  if (found.value.wikiId !== undefined && String(found.value.wikiId) !== found.container)
    return refusal("outOfScope", "that page is not in this channel's wikis");
  const link = wikiPageLink(context.tenantDomain, pageId);
  const title = textOf(found.value.subject);
  return bounded(
    { pageId, wikiId: found.container, title, updatedAt: found.value.updatedAt, text: cut(textOf(found.value.body?.content), MAX_BODY_CHARS + 1_000), link },
    [{ title, url: link, place: wikiPlace(context, found.container) }],
    true,
  );
}

function cut(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text === "") return text === "" ? "" : undefined;
  return text.length <= max ? text : `${text.slice(0, max)}… (cut at ${max} characters)`;
}

/** The result as JSON within MAX_TOOL_RESULT_CHARS: list items are dropped from the end, then the text is cut. */
function bounded(value: Record<string, unknown>, sources: Source[], read: boolean): ToolResult {
  let content = JSON.stringify(value);
  for (const key of ["tasks", "pages", "comments"]) {
    const list = value[key];
    while (content.length > MAX_TOOL_RESULT_CHARS && Array.isArray(list) && list.length > 1) {
      list.pop();
      content = JSON.stringify({ ...value, [key]: list, truncated: true });
    }
  }
  if (content.length > MAX_TOOL_RESULT_CHARS)
    content = JSON.stringify({
      ...value,
      body: cut(value.body as string | undefined, 1_000),
      text: cut(value.text as string | undefined, 1_000),
      truncated: true,
    }).slice(0, MAX_TOOL_RESULT_CHARS);
  return { content, sources, read };
}
