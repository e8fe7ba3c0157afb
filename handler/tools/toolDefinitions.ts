import type { DoorayScope } from "../channelProfiles.js";

/** The tools the model may be offered, by name (the log lines name a tool only if it is one of these). */
export const TOOL_NAMES = ["search_tasks", "read_task", "list_wiki_pages", "read_wiki_page"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export interface ToolDefinition {
  readonly type: "function";
  readonly function: { readonly name: ToolName; readonly description: string; readonly parameters: Record<string, unknown> };
}

/** The tools a scope grants: tasks where it names projects, wiki pages where it names wikis, none otherwise. */
export function toolsFor(scope: DoorayScope | undefined): ToolDefinition[] {
  if (!scope) return [];
  const tools: ToolDefinition[] = [];
  const projectId = { type: "string", enum: scope.projects, description: "One project to look in; all of this channel's projects when left out" };
  if (scope.projects.length > 0) {
    tools.push(
      tool(
        "search_tasks",
        "Find Dooray tasks (업무) of this channel's projects whose titles contain the words, newest first.",
        { query: { type: "string", description: "Words from the task's title" }, projectId },
        ["query"],
      ),
      tool(
        "read_task",
        "Read one Dooray task: its body and its latest comments.",
        { taskId: { type: "string", description: "The task's id from search_tasks" }, projectId },
        ["taskId"],
      ),
    );
  }
  if (scope.wikis.length > 0) {
    tools.push(
      tool(
        "list_wiki_pages",
        "List one level of a Dooray wiki's pages: the top pages, or the children of parentPageId.",
        { wikiId: { type: "string", enum: scope.wikis }, parentPageId: { type: "string" } },
        ["wikiId"],
      ),
      tool("read_wiki_page", "Read one Dooray wiki page's text.", { pageId: { type: "string" }, wikiId: { type: "string", enum: scope.wikis } }, ["pageId"]),
    );
  }
  return tools;
}

function tool(name: ToolName, description: string, properties: Record<string, unknown>, required: string[]): ToolDefinition {
  return { type: "function", function: { name, description, parameters: { type: "object", properties, required, additionalProperties: false } } };
}
