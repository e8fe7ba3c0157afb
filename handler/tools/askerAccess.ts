import type { DoorayScope } from "../channelProfiles.js";
import { DoorayApiError, type DoorayRest } from "./doorayRest.js";

/**
 * The asker's own access, checked live before any tool reads (docs/architecture.md, "Dooray tools"): a channel's
 * scope is the most the bot may read there, and within it a person reads only the projects they are a member of,
 * and the wikis of those projects. Slack AI and Mattermost's agents act with the asker's access the same way.
 */

/** Project roles that read a project's tasks and wiki. `leaver` (left the project) and any other role do not. */
export const READING_ROLES: ReadonlySet<string> = new Set(["admin", "member"]);
/** How long a container trusts a membership answer: a person removed from a project loses access within this. */
export const MEMBERSHIP_MAX_AGE_MS = 5 * 60_000;
/** Pages of GET /wiki/v1/wikis read, at most, to find a wiki's project (100 wikis a page). */
export const MAX_WIKI_LIST_PAGES = 10;

/**
 * The member id Dooray's REST API knows the asker by: the slash command's `userId`. The messenger and the project
 * API both use the tenant's member ids; this is the one place that assumes it (docs/operations.md, "Dooray tools",
 * says how an operator confirms it once on a real tenant).
 */
export const memberIdOf = (userId: string): string => userId;

export interface AskerScope {
  /** The channel's scope, narrowed to what the asker may read. */
  readonly scope: DoorayScope;
  /** Left out because the asker is not a member: names where Dooray gave them, else ids. */
  readonly notMember: LeftOut;
  /** Left out because Dooray could not say (an error of its own): no access for this question. */
  readonly unchecked: LeftOut;
}

export interface LeftOut {
  readonly projects: readonly string[];
  readonly wikis: readonly string[];
}

type Cached<T> = { value: T; expiresAt: number };
/** Answers, and checks still on the wire: two tools of one question that need the same project ask once. */
const memberships = new Map<string, Cached<Promise<boolean>>>();
const wikiProjects = new Map<string, Cached<{ projectId: string; name: string | undefined }>>();

export function clearAccessCache(): void {
  memberships.clear();
  wikiProjects.clear();
}

/** Whether a 404 or 403 means "no", and anything else "Dooray could not say". */
const isNo = (error: unknown) => error instanceof DoorayApiError && (error.failure === "notFound" || error.failure === "forbidden");

class Unchecked extends Error {}

function isMember(rest: DoorayRest, projectId: string, memberId: string, now: number): Promise<boolean> {
  const key = `${projectId}:${memberId}`;
  const cached = memberships.get(key);
  if (cached && cached.expiresAt > now) return cached.value;
  const check = rest.get<{ role?: unknown; organizationMemberId?: unknown } | null>(`project/v1/projects/${projectId}/members/${memberId}`).then(
    (found) => typeof found?.role === "string" && READING_ROLES.has(found.role) && String(found.organizationMemberId ?? memberId) === memberId,
    (error: unknown) => {
      if (isNo(error)) return false;
      // Not cached: the next question asks again.
      memberships.delete(key);
      throw new Unchecked();
    },
  );
  memberships.set(key, { value: check, expiresAt: now + MEMBERSHIP_MAX_AGE_MS });
  return check;
}

/** A wiki's project, from the bot account's list of wikis; undefined when the account cannot see the wiki. */
async function projectOfWiki(rest: DoorayRest, wikiId: string, now: number): Promise<{ projectId: string; name: string | undefined } | undefined> {
  const cached = wikiProjects.get(wikiId);
  if (cached && cached.expiresAt > now) return cached.value;
  for (let page = 0; page < MAX_WIKI_LIST_PAGES; page++) {
    const { items, totalCount } = await rest
      .list<{ id?: unknown; name?: unknown; project?: { id?: unknown } }>("wiki/v1/wikis", { page, size: 100 })
      .catch((error: unknown) => {
        throw isNo(error) ? error : new Unchecked();
      });
    for (const item of items) {
      if (item.id === undefined || item.project?.id === undefined) continue;
      wikiProjects.set(String(item.id), {
        value: { projectId: String(item.project.id), name: typeof item.name === "string" ? item.name : undefined },
        expiresAt: now + MEMBERSHIP_MAX_AGE_MS,
      });
    }
    const found = wikiProjects.get(wikiId);
    if (found) return found.value;
    if (items.length === 0 || (totalCount !== undefined && (page + 1) * 100 >= totalCount)) return undefined;
  }
  return undefined;
}

/** A project's code for the person (best effort: its id when Dooray does not say). */
async function projectName(rest: DoorayRest, projectId: string): Promise<string> {
  const project = await rest.get<{ code?: unknown } | null>(`project/v1/projects/${projectId}`).catch(() => null);
  return typeof project?.code === "string" && project.code !== "" ? project.code : projectId;
}

/**
 * The scope this asker may read: each project where they are an admin or a member, each wiki whose project that
 * holds for. A 404 or 403 on the check means no access; any other failure means no access for this question, said
 * so apart. The checks run side by side and are cached per container for MEMBERSHIP_MAX_AGE_MS.
 */
export async function askerScope(scope: DoorayScope, memberId: string, rest: DoorayRest, now = Date.now()): Promise<AskerScope> {
  // One verdict per project for this question, whichever path asks (a project's own check, or its wiki's).
  const verdicts = new Map<string, Promise<"member" | "notMember" | "unchecked">>();
  const checkProject = (projectId: string) => {
    if (!verdicts.has(projectId))
      verdicts.set(
        projectId,
        isMember(rest, projectId, memberId, now).then(
          (member) => (member ? "member" : "notMember"),
          () => "unchecked" as const,
        ),
      );
    return verdicts.get(projectId)!;
  };
  const checkWiki = async (wikiId: string): Promise<{ verdict: "member" | "notMember" | "unchecked"; name: string }> => {
    try {
      const project = await projectOfWiki(rest, wikiId, now);
      if (!project) return { verdict: "notMember", name: wikiId };
      return { verdict: await checkProject(project.projectId), name: project.name ?? wikiId };
    } catch (error) {
      return { verdict: isNo(error) ? "notMember" : "unchecked", name: wikiId };
    }
  };
  const [projects, wikis] = await Promise.all([Promise.all(scope.projects.map(checkProject)), Promise.all(scope.wikis.map(checkWiki))]);
  const leftOutProjects = scope.projects.filter((_, at) => projects[at] !== "member");
  const names = new Map(await Promise.all(leftOutProjects.map(async (projectId) => [projectId, await projectName(rest, projectId)] as const)));
  const leftOut = (verdict: "notMember" | "unchecked"): LeftOut => ({
    projects: scope.projects.filter((_, at) => projects[at] === verdict).map((id) => names.get(id)!),
    wikis: wikis.filter((wiki) => wiki.verdict === verdict).map((wiki) => wiki.name),
  });
  return {
    scope: {
      ...scope,
      projects: scope.projects.filter((_, at) => projects[at] === "member"),
      wikis: scope.wikis.filter((_, at) => wikis[at]!.verdict === "member"),
    },
    notMember: leftOut("notMember"),
    unchecked: leftOut("unchecked"),
  };
}

/** A wiki's name as the bot account's list gave it, once askerScope has read the list (else undefined). */
export function wikiNameOf(wikiId: string): string | undefined {
  return wikiProjects.get(wikiId)?.value.name;
}
