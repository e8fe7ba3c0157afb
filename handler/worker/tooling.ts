import { toolMessages } from "../dooray/toolMessages.js";
import type { Job } from "../job/signedJob.js";
import { tenantDomainOf } from "../tools/doorayLinks.js";
import { doorayRest } from "../tools/doorayRest.js";
import { toolsFor, type ToolContext, type ToolDefinition } from "../tools/doorayTools.js";
import type { WorkerDeps } from "./workerDeps.js";

/** The channel's tools and what they need to run; none without a scope, or (with a warning) without the token. */
export interface Tooling {
  readonly tools: readonly ToolDefinition[];
  readonly context: ToolContext | undefined;
  /** Said under the answer: the scope is set but the token is not. */
  readonly notice: string | undefined;
}

export async function toolingFor(scope: ToolContext["scope"] | undefined, job: Job, deadlineAt: number, deps: WorkerDeps, base: Record<string, unknown>): Promise<Tooling> {
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
  return { tools, context: { scope, rest: doorayRest(deps.config.doorayRestUrl, token, deadlineAt), tenantDomain: job.tenantDomain ?? tenantDomainOf(job.responseUrl) }, notice: undefined };
}
