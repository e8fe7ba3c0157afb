import { toolMessages } from "../dooray/toolMessages.js";
import type { Job } from "../job/signedJob.js";
import { linkDomainOf } from "../tools/doorayLinks.js";
import { doorayRest } from "../tools/doorayRest.js";
import { askerScope, memberIdOf, wikiNameOf } from "../tools/askerAccess.js";
import { toolsFor, type ToolContext, type ToolDefinition } from "../tools/doorayTools.js";
import type { WorkerDeps } from "./workerDeps.js";

/**
 * The channel's tools and what they need to run; none without a scope, or (with a warning) without the token. The
 * scope is narrowed to what the asker may read (askerAccess.ts) before the model sees any of it.
 */
export interface Tooling {
  readonly tools: readonly ToolDefinition[];
  readonly context: ToolContext | undefined;
  /** Said under the answer: the scope is set but the token is not. */
  readonly notice: string | undefined;
}

export async function toolingFor(
  scope: ToolContext["scope"] | undefined,
  job: Job,
  deadlineAt: number,
  deps: WorkerDeps,
  base: Record<string, unknown>,
): Promise<Tooling> {
  const tools = toolsFor(scope);
  if (!scope || tools.length === 0) return { tools: [], context: undefined, notice: undefined };
  const token = await deps.secrets.doorayApiToken().catch((error: unknown) => {
    deps.log("error", "tools.secretUnavailable", { ...base, error });
    return undefined;
  });
  if (!token) {
    deps.log("warn", "tools.notConfigured", { ...base, reason: "no Dooray API token" });
    return { tools: [], context: undefined, notice: toolMessages.toolsNotConfigured };
  }
  const rest = doorayRest(deps.config.doorayRestUrl, token, deadlineAt);
  const asker = await askerScope(scope, memberIdOf(job.userId), rest);
  const count = (left: { projects: readonly string[]; wikis: readonly string[] }) => left.projects.length + left.wikis.length;
  deps.log("info", "tools.access", {
    ...base,
    allowed: asker.scope.projects.length + asker.scope.wikis.length,
    notMember: count(asker.notMember),
    unchecked: count(asker.unchecked),
  });
  const notice =
    [
      count(asker.notMember) > 0 ? toolMessages.notMember(asker.notMember) : "",
      count(asker.unchecked) > 0 ? toolMessages.membershipUnchecked(asker.unchecked) : "",
    ]
      .filter(Boolean)
      .join("\n") || undefined;
  const allowed = toolsFor(asker.scope);
  if (allowed.length === 0) return { tools: [], context: undefined, notice };
  return {
    tools: allowed,
    context: {
      scope: asker.scope,
      rest,
      placeName: (kind, id) => (kind === "wiki" ? wikiNameOf(id) : undefined),
      tenantDomain: linkDomainOf(job, deps.config.responseUrlHosts),
    },
    notice,
  };
}
