import type { PlanJson } from "./offlineTerraform.js";

/** What a reviewer needs from a plan, read from the plan itself (never restated by hand): see formatSummary. */
export interface ReviewSummary {
  readonly stack: string;
  readonly allowedAccountIds: readonly string[];
  readonly public: {
    readonly urls: readonly { readonly function: string; readonly authorization: string }[];
    readonly grants: readonly { readonly function: string; readonly action: string; readonly principal: string; readonly statementId: string }[];
    /** Functions with neither a URL nor a resource-policy grant. */
    readonly private: readonly string[];
  };
  readonly roles: readonly { readonly role: string; readonly statements: readonly Statement[] }[];
  readonly secrets: readonly { readonly name: string; readonly recoveryWindowDays: number }[];
  readonly functions: readonly {
    readonly name: string;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly reservedConcurrency: number;
    readonly maxOutputTokens?: number;
    readonly maxEventAgeSeconds?: number;
    readonly retries?: number;
    readonly onFailure?: string;
  }[];
  readonly logs: readonly { readonly group: string; readonly retentionDays: number }[];
  /** Daily token budgets as the worker is told them (0 = unlimited). */
  readonly budgets:
    | {
        readonly userDailyTokens: number;
        readonly channelDailyTokens: number;
        readonly timeZone: string;
        /** Channels whose profile sets its own model or budgets. */
        readonly channels: readonly { readonly channelId: string; readonly name: string; readonly model?: string; readonly userDailyTokens?: number; readonly channelDailyTokens?: number }[];
      }
    | undefined;
  readonly tables: readonly { readonly name: string; readonly billing: string; readonly ttlAttribute: string | undefined; readonly pointInTimeRecovery: boolean; readonly deletionProtection: boolean }[];
  readonly alarms: readonly { readonly name: string; readonly actions: readonly string[] }[];
}

export interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** Lambda's arm64 list price per GB-second (most regions, 2025); the summary says it is an assumption. */
export const ARM64_USD_PER_GB_SECOND = 0.0000133334;

type After = Record<string, any>;

export function reviewSummary(stack: string, plan: PlanJson, allowedAccountIds: readonly string[]): ReviewSummary {
  const of = (type: string): After[] => plan.resource_changes.filter((change) => change.type === type && change.change.actions.includes("create")).map((change) => change.change.after);
  const functions = of("aws_lambda_function");
  const urls = of("aws_lambda_function_url").map((url) => ({ function: String(url.function_name), authorization: String(url.authorization_type) }));
  const grants = of("aws_lambda_permission").map((grant) => ({ function: String(grant.function_name), action: String(grant.action), principal: String(grant.principal), statementId: String(grant.statement_id) }));
  const exposed = new Set([...urls.map((url) => url.function), ...grants.map((grant) => grant.function)]);
  const invokeConfigs = new Map(of("aws_lambda_function_event_invoke_config").map((config) => [String(config.function_name), config]));
  return {
    stack,
    allowedAccountIds,
    public: { urls, grants, private: functions.map((fn) => String(fn.function_name)).filter((name) => !exposed.has(name)) },
    roles: of("aws_iam_role_policy").map((policy) => ({ role: String(policy.role), statements: (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement })),
    secrets: of("aws_secretsmanager_secret").map((secret) => ({ name: String(secret.name), recoveryWindowDays: Number(secret.recovery_window_in_days) })),
    functions: functions.map((fn) => {
      const variables = (fn.environment?.[0]?.variables ?? {}) as Record<string, string>;
      const invoke = invokeConfigs.get(String(fn.function_name));
      return {
        name: String(fn.function_name),
        memoryMb: Number(fn.memory_size),
        timeoutSeconds: Number(fn.timeout),
        reservedConcurrency: Number(fn.reserved_concurrent_executions),
        // Only the function that calls the model (the edge knows the figure too, to estimate reservations).
        ...(variables.BOT_MODEL && variables.BOT_MAX_OUTPUT_TOKENS ? { maxOutputTokens: Number(variables.BOT_MAX_OUTPUT_TOKENS) } : {}),
        ...(invoke ? { maxEventAgeSeconds: Number(invoke.maximum_event_age_in_seconds), retries: Number(invoke.maximum_retry_attempts) } : {}),
        ...(invoke?.destination_config?.[0]?.on_failure?.[0]?.destination ? { onFailure: String(invoke.destination_config[0].on_failure[0].destination) } : {}),
      };
    }),
    logs: of("aws_cloudwatch_log_group").map((group) => ({ group: String(group.name), retentionDays: Number(group.retention_in_days) })),
    budgets: budgetsOf(functions),
    tables: of("aws_dynamodb_table").map((table) => ({
      name: String(table.name),
      billing: String(table.billing_mode),
      ttlAttribute: table.ttl?.[0]?.enabled ? String(table.ttl[0].attribute_name) : undefined,
      pointInTimeRecovery: Boolean(table.point_in_time_recovery?.[0]?.enabled),
      deletionProtection: Boolean(table.deletion_protection_enabled),
    })),
    alarms: of("aws_cloudwatch_metric_alarm").map((alarm) => ({ name: String(alarm.alarm_name), actions: (alarm.alarm_actions ?? []) as string[] })),
  };
}

function budgetsOf(functions: After[]): ReviewSummary["budgets"] {
  const variables = functions.map((fn) => (fn.environment?.[0]?.variables ?? {}) as Record<string, string>).find((vars) => vars.BUDGET_USER_DAILY_TOKENS !== undefined);
  if (!variables) return undefined;
  const profiles = JSON.parse(variables.CHANNEL_PROFILES ?? "{}") as Record<string, { name: string; model?: string; budgets?: { userDailyTokens?: number; channelDailyTokens?: number } }>;
  return {
    userDailyTokens: Number(variables.BUDGET_USER_DAILY_TOKENS),
    channelDailyTokens: Number(variables.BUDGET_CHANNEL_DAILY_TOKENS),
    timeZone: String(variables.BUDGET_TIME_ZONE),
    channels: Object.entries(profiles)
      .filter(([, profile]) => profile.model !== undefined || profile.budgets !== undefined)
      .map(([channelId, profile]) => ({ channelId, name: profile.name, ...(profile.model ? { model: profile.model } : {}), ...profile.budgets })),
  };
}

/** The summary as a reviewer reads it under the plan. */
export function formatSummary(summary: ReviewSummary): string {
  const lines: string[] = [`──── reviewer's summary: ${summary.stack} (deploys only to account ${summary.allowedAccountIds.join(", ")}) ────`, "", "What is public"];
  for (const url of summary.public.urls) {
    lines.push(`  - a Function URL on ${url.function}, auth ${url.authorization}: Dooray cannot sign requests, so the function is the gate (app token checked first, in constant time; then tenant and responseUrl host)`);
  }
  for (const grant of summary.public.grants) {
    lines.push(
      `  - ${grant.action} for principal ${grant.principal} on ${grant.function} (${grant.statementId}): new Function URLs need it since October 2025, and provider 5.100.0 cannot limit it to URL calls.` +
        ` Safe because ${grant.function} trusts no event by itself: a request needs the app token, a failure record a job signed with it; its reserved concurrency caps what abuse costs`,
    );
  }
  for (const name of summary.public.private) lines.push(`  - ${name}: private (no URL, no resource policy; only principals whose own IAM policy allows it)`);
  lines.push("", "What each role may do (every statement: actions × resources)");
  for (const role of summary.roles) {
    lines.push(`  ${role.role}`);
    for (const statement of role.statements) {
      lines.push(`    ${statement.Sid} (${statement.Effect}): ${statement.Action.join(", ")}`);
      for (const resource of statement.Resource) lines.push(`      × ${resource}`);
      if (statement.Condition) lines.push(`      only if ${JSON.stringify(statement.Condition)}`);
    }
  }
  lines.push("", "Secrets (names only; values are written with `npm run secret -- put`, never by Terraform)");
  for (const secret of summary.secrets) lines.push(`  - ${secret.name} (${secret.recoveryWindowDays}-day recovery window when deleted)`);
  lines.push("", "Cost ceilings");
  for (const fn of summary.functions) {
    const gbSecondsPerHour = fn.reservedConcurrency * (fn.memoryMb / 1024) * 3600;
    const parts = [
      `at most ${fn.reservedConcurrency} at once (reserved concurrency) × ${fn.memoryMb} MB × up to ${fn.timeoutSeconds} s each`,
      `≤ ${Math.round(gbSecondsPerHour).toLocaleString("en-US")} GB-s per hour (≈ $${(gbSecondsPerHour * ARM64_USD_PER_GB_SECOND).toFixed(2)}/h at the arm64 list price; check your region)`,
    ];
    if (fn.maxOutputTokens) parts.push(`≤ ${fn.maxOutputTokens} model output tokens per answer`);
    if (fn.onFailure) parts.push(`a job waits ≤ ${fn.maxEventAgeSeconds} s for a free instance (${fn.retries} retries), then goes to ${fn.onFailure.split(":").pop()} to tell the person`);
    lines.push(`  - ${fn.name}: ${parts.join("; ")}`);
  }
  if (summary.budgets) {
    const limit = (tokens: number) => (tokens === 0 ? "unlimited" : `≤ ${tokens.toLocaleString("en-US")} tokens`);
    lines.push(
      `  - daily budgets (reset at midnight, ${summary.budgets.timeZone}): ${limit(summary.budgets.userDailyTokens)} per person, ${limit(summary.budgets.channelDailyTokens)} per channel; a question past either is refused before any model call`,
    );
    for (const channel of summary.budgets.channels) {
      const own = [
        channel.model ? `model ${channel.model}` : "",
        channel.userDailyTokens !== undefined ? `${limit(channel.userDailyTokens)} per person` : "",
        channel.channelDailyTokens !== undefined ? `${limit(channel.channelDailyTokens)} for the channel` : "",
      ].filter(Boolean);
      lines.push(`    channel ${channel.channelId} (${channel.name}): ${own.join(", ")}`);
    }
  }
  if (summary.tables.length > 0) {
    lines.push("", "Data");
    for (const table of summary.tables) {
      lines.push(
        `  - DynamoDB table ${table.name}: ${table.billing === "PAY_PER_REQUEST" ? "on-demand (pay per request, nothing when idle)" : table.billing}; rows expire through TTL on ${table.ttlAttribute ?? "(none)"}; point-in-time recovery ${table.pointInTimeRecovery ? "on" : "off"}; deletion protection ${table.deletionProtection ? "on" : "off"}`,
      );
    }
  }
  if (summary.alarms.length > 0) {
    const targets = [...new Set(summary.alarms.flatMap((alarm) => alarm.actions))];
    lines.push("", `Alarms (${summary.alarms.length}; ${targets.length > 0 ? `notify ${targets.join(", ")}` : "no notification target: set alarms.emails"})`);
    for (const alarm of summary.alarms) lines.push(`  - ${alarm.name}`);
  }
  lines.push("", "Log retention");
  for (const log of summary.logs) lines.push(`  - ${log.group}: ${log.retentionDays} days`);
  return lines.join("\n");
}
