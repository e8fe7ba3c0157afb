import type { ChannelSettings } from "../channelProfiles.js";
import { toolMessages } from "../dooray/toolMessages.js";
import { allowedLinkHosts, screenOutsideLinks } from "../dooray/outsideLinks.js";
import type { Job } from "../job/signedJob.js";
import { linkDomainOf, projectLink, taskLink } from "../tools/doorayLinks.js";
import { DoorayApiError, doorayRest, type DoorayRest } from "../tools/doorayRest.js";
import type { WorkerDeps } from "./workerDeps.js";

export interface TaskOutcome {
  readonly outcome: "taskCreated" | "taskFailed";
  readonly text: string;
  /** For the log line: ids and the failure, never the task's title or body. */
  readonly fields: Record<string, unknown>;
}

/**
 * 할 일로 만들기, after the person confirmed the dialog: one POST to the channel's taskProject with the bot
 * account's token (docs/operations.md, "Dooray tools"), then the new task's link, or why Dooray said no.
 */
export async function createTask(job: Job, settings: ChannelSettings, deps: WorkerDeps, deadlineAt: number): Promise<TaskOutcome> {
  const taskProject = settings.dooray?.taskProject;
  const task = job.task;
  if (!taskProject || !task) return { outcome: "taskFailed", text: toolMessages.taskFailed("notConfigured"), fields: { failure: "notConfigured" } };
  const token = await deps.secrets.doorayApiToken().catch(() => undefined);
  if (!token) return { outcome: "taskFailed", text: toolMessages.taskFailed("notConfigured"), fields: { failure: "no Dooray API token" } };
  const rest = doorayRest(deps.config.doorayRestUrl, token, deadlineAt);
  // The body comes from an answer that Dooray content may have shaped: a markdown task renders its links and images
  // for everyone who opens it, so outside ones are screened out here too (outsideLinks.ts).
  const hosts = allowedLinkHosts(job.responseUrl, linkDomainOf(job, deps.config.responseUrlHosts), deps.config.linkHosts);
  const [subject, body] = [screenOutsideLinks(task.title, hosts), screenOutsideLinks(task.body, hosts)];
  const domain = linkDomainOf(job, deps.config.responseUrlHosts);
  // A press after an outcome nobody could know (the POST landed, its answer did not) must not make a second task.
  const already = await recentSameTask(rest, taskProject, subject.text, deps.now()).catch(() => undefined);
  if (already)
    return {
      outcome: "taskCreated",
      text: toolMessages.taskAlreadyMade(subject.text, taskLink(domain, taskProject, already)),
      fields: { taskProject, taskId: already, reused: true },
    };
  try {
    const created = await rest.post<{ id?: unknown }>(`project/v1/projects/${taskProject}/posts`, {
      subject: subject.text,
      body: { mimeType: "text/x-markdown", content: body.text },
      users: { to: [], cc: [] },
      priority: "none",
    });
    const id = String(created?.id ?? "");
    if (!/^\d{1,30}$/.test(id)) return { outcome: "taskFailed", text: toolMessages.taskFailed("unavailable"), fields: { failure: "no task id in the answer" } };
    const link = taskLink(domain, taskProject, id);
    return {
      outcome: "taskCreated",
      text: toolMessages.taskCreated(subject.text, link),
      fields: { taskProject, taskId: id, linksRemoved: subject.removed + body.removed },
    };
  } catch (error) {
    if (!(error instanceof DoorayApiError)) throw error;
    // No answer at all (a timeout, a dropped connection): Dooray may have made it. Said as unknown, never as failed.
    if (error.failure === "unavailable" && error.status === 0) {
      return {
        outcome: "taskFailed",
        text: toolMessages.taskOutcomeUnknown(projectLink(domain, taskProject), RECENT_TASK_MINUTES),
        fields: { taskProject, failure: "unknownOutcome" },
      };
    }
    // Dooray reports some refusals (a mandatory tag group) as 500 with a message: that is a refusal, not an outage.
    const failure = error.failure === "unavailable" && error.status >= 500 && error.doorayMessage ? "badRequest" : error.failure;
    return { outcome: "taskFailed", text: toolMessages.taskFailed(failure, error.doorayMessage), fields: { taskProject, failure, status: error.status } };
  }
}

/** How far back a task of the same title, made by the bot account, is taken as this one already made. */
export const RECENT_TASK_MINUTES = 10;

/**
 * The id of a task the bot account made in the project in the last RECENT_TASK_MINUTES with exactly this title, if
 * any: what a press after an unknown outcome finds instead of creating a duplicate.
 */
async function recentSameTask(rest: DoorayRest, projectId: string, subject: string, nowMs: number): Promise<string | undefined> {
  const me = await rest.get<{ id?: unknown } | null>("common/v1/members/me");
  if (me?.id === undefined) return undefined;
  const since = new Date(nowMs - RECENT_TASK_MINUTES * 60_000).toISOString();
  const until = new Date(nowMs + 60_000).toISOString();
  const { items } = await rest.list<{ id?: unknown; subject?: unknown }>(`project/v1/projects/${projectId}/posts`, {
    fromMemberIds: String(me.id),
    createdAt: `${since}~${until}`,
    order: "-createdAt",
    size: 20,
  });
  // Dooray's own title filter may match loosely or not at all: the title is compared here, exactly.
  const same = items.find((item) => item.subject === subject && item.id !== undefined);
  return same ? String(same.id) : undefined;
}
