import { accessFlagsOf, ownAccountsOf, resourcePoliciesOf, rolesOf } from "./summaryAccess.js";
import { budgetsOf, doorayOf, exchangeRateOf, personalDataOf, tenantsOf, variablesOf } from "./summaryFunctions.js";
import { codeSigningOf, keysOf } from "./summaryKeys.js";
import { modelRoutesOf } from "./modelRoutes.js";
import { spendOf } from "./spendCeilings.js";
import type { PlanJson } from "./offlineTerraform.js";
import { remains, type After, type ReviewSummary } from "./summaryModel.js";

export { ARM64_USD_PER_GB_SECOND, EDGE_PUBLIC_GRANT, edgeFunctionName, type ReviewSummary, type Statement } from "./summaryModel.js";
export { formatSummary } from "./summaryText.js";

export function reviewSummary(stack: string, plan: PlanJson, allowedAccountIds: readonly string[]): ReviewSummary {
  const summary = summaryWithoutFlags(stack, plan, allowedAccountIds);
  return { ...summary, accessFlags: accessFlagsOf(summary, ownAccountsOf(summary)) };
}

function summaryWithoutFlags(stack: string, plan: PlanJson, allowedAccountIds: readonly string[]): ReviewSummary {
  const of = (type: string): After[] => plan.resource_changes.filter((change) => change.type === type && remains(change)).map((change) => change.change.after);
  const functions = of("aws_lambda_function");
  const urls = of("aws_lambda_function_url").map((url) => ({ function: String(url.function_name), authorization: String(url.authorization_type) }));
  const grants = of("aws_lambda_permission").map((grant) => ({
    function: String(grant.function_name),
    action: String(grant.action),
    principal: String(grant.principal),
    statementId: String(grant.statement_id),
  }));
  const exposed = new Set([...urls.map((url) => url.function), ...grants.map((grant) => grant.function)]);
  const invokeConfigs = new Map(of("aws_lambda_function_event_invoke_config").map((config) => [String(config.function_name), config]));
  return {
    stack,
    allowedAccountIds,
    public: { urls, grants, private: functions.map((fn) => String(fn.function_name)).filter((name) => !exposed.has(name)) },
    roles: rolesOf(plan),
    resourcePolicies: resourcePoliciesOf(plan),
    accessFlags: [],
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
    alarmEmails: of("aws_sns_topic_subscription")
      .filter((subscription) => subscription.protocol === "email")
      .map((subscription) => String(subscription.endpoint)),
    keys: keysOf(plan, of),
    tracing: functions.map((fn) => ({ function: String(fn.function_name), mode: String(fn.tracing_config?.[0]?.mode ?? "PassThrough") })),
    codeSigning: codeSigningOf(plan, of),
    deadLetters: functions
      .filter((fn) => fn.dead_letter_config?.[0]?.target_arn)
      .map((fn) => {
        const queue = String(fn.dead_letter_config[0].target_arn).split(":").pop()!;
        const retention = of("aws_sqs_queue").find((candidate) => candidate.name === queue)?.message_retention_seconds;
        return { function: String(fn.function_name), queue, retentionSeconds: retention === undefined ? undefined : Number(retention) };
      }),
    modelRoutes: modelRoutesOf(functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined)),
    tenants: tenantsOf(functions),
    personalData: personalDataOf(functions),
    dooray: doorayOf(functions),
    spend: spendOf(
      functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined),
      exchangeRateOf(plan),
    ),
  };
}
