import { formatModelRoutes, modelRoutesOf, type ModelRoute } from "./modelRoutes.js";
import { EXCHANGE_RATE_OUTPUT, formatSpend, spendOf, type ExchangeRate, type Spend } from "./spendCeilings.js";
import { describeStatement, isAdminLikeManagedPolicy, parsePolicy, widenings, type Statement } from "./iamPolicy.js";
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
  /** Every role: who may assume it, its inline policies' statements, and the managed policies attached to it. */
  readonly roles: readonly {
    readonly role: string;
    readonly trust: readonly Statement[] | undefined;
    readonly statements: readonly Statement[];
    readonly managed: readonly string[];
    readonly unknownPolicies: number;
  }[];
  /** Resource policies other than the functions' grants and the key's: queues, buckets, topics, secrets. */
  readonly resourcePolicies: readonly { readonly resource: string; readonly statements: readonly Statement[] | undefined }[];
  /** Everything in the plan that grants `*`, an admin-like managed policy, another account or the public: ⚠ in the comment. */
  readonly accessFlags: readonly string[];
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
        readonly channels: readonly {
          readonly channelId: string;
          readonly name: string;
          readonly model?: string;
          readonly userDailyTokens?: number;
          readonly channelDailyTokens?: number;
        }[];
      }
    | undefined;
  readonly tables: readonly {
    readonly name: string;
    readonly billing: string;
    readonly ttlAttribute: string | undefined;
    readonly pointInTimeRecovery: boolean;
    readonly deletionProtection: boolean;
  }[];
  readonly alarms: readonly { readonly name: string; readonly actions: readonly string[] }[];
  /** Who is told when an alarm fires (the topic's e-mail subscriptions). */
  readonly alarmEmails: readonly string[];
  /** The customer-managed keys, what each encrypts, and who may use it. */
  readonly keys: readonly {
    readonly alias: string;
    readonly rotation: boolean;
    readonly encrypts: readonly string[];
    /** The key policy's statements (services, the account); none when the policy is known only after apply. */
    readonly statements: readonly Statement[];
    readonly policyUnknown: boolean;
    /** Roles whose own policy uses the key, and through which services. */
    readonly roles: readonly { readonly role: string; readonly actions: readonly string[]; readonly via: readonly string[] }[];
  }[];
  readonly tracing: readonly { readonly function: string; readonly mode: string }[];
  /** AWS Signer: the profile, the code-signing config's policy, and which functions and layers take signed code. */
  readonly codeSigning: {
    readonly profiles: readonly { readonly name: string; readonly platform: string }[];
    readonly enforcement: readonly string[];
    readonly signedFunctions: readonly string[];
    readonly unsignedFunctions: readonly string[];
    readonly signedLayers: readonly string[];
  };
  readonly deadLetters: readonly { readonly function: string; readonly queue: string; readonly retentionSeconds: number | undefined }[];
  /** Where questions go: each channel's model endpoints in order (the SDK's default is OpenAI's public API). */
  readonly modelRoutes: readonly ModelRoute[] | undefined;
  /** The personal-data guard: the environment's default, then each channel that sets its own. */
  readonly personalData: readonly { readonly channel: string | undefined; readonly mode: string }[];
  /** The Dooray tenants that may call; empty means any tenant. */
  readonly tenants: readonly string[];
  /** What the bot may read in Dooray, per channel, and where it may create tasks (the channels' `dooray` scopes). */
  readonly dooray: {
    readonly host: string | undefined;
    readonly tokenSecret: string | undefined;
    /** Hosts links in answers built from Dooray content may keep, besides the tenant's own (LINK_HOSTS). */
    readonly linkHosts: readonly string[];
    readonly channels: readonly {
      readonly channelId: string;
      readonly name: string;
      readonly projects: readonly string[];
      readonly wikis: readonly string[];
      readonly taskProject: string | undefined;
    }[];
  };
  /** The most a day can cost in model spend, each channel at its own model's price (US dollars; won with a rate). */
  readonly spend: Spend | undefined;
}

export type { Statement };

/**
 * The edge's own public surface, the only one the stack means to have (stacks/EdgeFunction.ts): its URL without
 * auth and the grant a new URL needs. The reassuring sentences are printed for exactly these, never by type.
 */
export const EDGE_PUBLIC_GRANT = { statementId: "FunctionUrlNeedsInvokeFunction", action: "lambda:InvokeFunction", principal: "*" } as const;
export const edgeFunctionName = (stack: string) => `${stack}-edge`;

/** Lambda's arm64 list price per GB-second (most regions, 2025); the summary says it is an assumption. */
export const ARM64_USD_PER_GB_SECOND = 0.0000133334;

type After = Record<string, any>;

/** What will exist after the plan: created, updated, replaced and unchanged resources alike (not those deleted). */
const remains = (change: PlanJson["resource_changes"][number]) => Boolean(change.change.after) && change.change.actions.join() !== "delete";

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

type Remaining = { address: string; after: After; unknown: After };

/** Resources of a type that remain after the plan, with their address and what is known only after apply. */
function remaining(plan: PlanJson, ...types: string[]): Remaining[] {
  return plan.resource_changes
    .filter((change) => types.includes(change.type) && remains(change))
    .map((change) => ({ address: change.address, after: change.change.after as After, unknown: (change.change.after_unknown ?? {}) as After }));
}

const known = (resource: Remaining, name: string) => (resource.unknown[name] === true ? "(known after apply)" : String(resource.after[name] ?? "?"));

/** Every role in the plan, and every policy attached to a role in the plan, however it is attached. */
function rolesOf(plan: PlanJson): ReviewSummary["roles"] {
  const roles = new Map<string, { role: string; trust: Statement[] | undefined; statements: Statement[]; managed: string[]; unknownPolicies: number }>();
  const roleNamed = (name: string) => {
    if (!roles.has(name)) roles.set(name, { role: name, trust: undefined, statements: [], managed: [], unknownPolicies: 0 });
    return roles.get(name)!;
  };
  const customerPolicies = new Map(remaining(plan, "aws_iam_policy").map((policy) => [known(policy, "arn"), policy]));
  for (const role of remaining(plan, "aws_iam_role")) {
    const entry = roleNamed(known(role, "name"));
    entry.trust = role.unknown.assume_role_policy === true ? undefined : parsePolicy(role.after.assume_role_policy);
    for (const arn of (role.after.managed_policy_arns ?? []) as string[]) entry.managed.push(arn);
    for (const inline of (role.after.inline_policy ?? []) as { policy?: string }[]) {
      const statements = parsePolicy(inline.policy);
      if (statements) entry.statements.push(...statements);
      else if (inline.policy) entry.unknownPolicies++;
    }
  }
  for (const policy of remaining(plan, "aws_iam_role_policy")) {
    const entry = roleNamed(known(policy, "role"));
    const statements = policy.unknown.policy === true ? undefined : parsePolicy(policy.after.policy);
    if (statements) entry.statements.push(...statements);
    else entry.unknownPolicies++;
  }
  for (const attachment of remaining(plan, "aws_iam_role_policy_attachment")) {
    const arn = known(attachment, "policy_arn");
    roleNamed(known(attachment, "role")).managed.push(customerPolicies.has(arn) ? `${arn} (${known(customerPolicies.get(arn)!, "name")}, in this plan)` : arn);
  }
  return [...roles.values()];
}

/** Resource policies: who outside the roles may use a queue, a bucket, a topic or a secret. */
function resourcePoliciesOf(plan: PlanJson): ReviewSummary["resourcePolicies"] {
  const targets: Record<string, string> = {
    aws_sqs_queue_policy: "queue_url",
    aws_s3_bucket_policy: "bucket",
    aws_sns_topic_policy: "arn",
    aws_secretsmanager_secret_policy: "secret_arn",
    aws_lambda_layer_version_permission: "layer_name",
  };
  return remaining(plan, ...Object.keys(targets)).map((policy) => {
    const type = policy.address.split(".").slice(-2)[0]!;
    const document =
      type === "aws_lambda_layer_version_permission"
        ? {
            Statement: {
              Sid: policy.after.statement_id,
              Effect: "Allow",
              Action: policy.after.action,
              Principal: policy.after.principal === "*" ? "*" : { AWS: policy.after.principal },
            },
          }
        : policy.after.policy;
    return { resource: `${type} on ${known(policy, targets[type]!)}`, statements: policy.unknown.policy === true ? undefined : parsePolicy(document) };
  });
}

/**
 * The accounts that are ours: the ones the provider is held to, or, in a plan that names none (an offline plan's),
 * the one the roles' own resource ARNs name most.
 */
function ownAccountsOf(summary: ReviewSummary): string[] {
  if (summary.allowedAccountIds.length > 0) return [...summary.allowedAccountIds];
  const counts = new Map<string, number>();
  for (const statement of summary.roles.flatMap((role) => role.statements)) {
    for (const account of statement.Resource.map((arn) => /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1]).filter(Boolean) as string[])
      counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  const [most] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return most ? [most[0]] : [];
}

/** Every grant in the plan that a reviewer must see: anything wide, admin-like, foreign or public. */
function accessFlagsOf(summary: ReviewSummary, ownAccounts: readonly string[]): string[] {
  const flags: string[] = [];
  const edge = edgeFunctionName(summary.stack);
  for (const url of summary.public.urls) {
    if (url.authorization === "NONE" && url.function !== edge) flags.push(`a Function URL with no auth on ${url.function}: anyone on the internet may call it`);
  }
  for (const grant of summary.public.grants) {
    const isEdgeGrant =
      grant.function === edge &&
      grant.statementId === EDGE_PUBLIC_GRANT.statementId &&
      grant.action === EDGE_PUBLIC_GRANT.action &&
      grant.principal === EDGE_PUBLIC_GRANT.principal;
    if (isEdgeGrant) continue;
    const account = /^(?:arn:aws[\w-]*:iam::)?(\d{12})\b/.exec(grant.principal)?.[1];
    if (grant.principal === "*") flags.push(`${grant.action} for anyone (principal *) on ${grant.function} (${grant.statementId})`);
    else if (account && !ownAccounts.includes(account))
      flags.push(`${grant.action} for another account (${grant.principal}) on ${grant.function} (${grant.statementId})`);
    else if (/\*/.test(grant.action)) flags.push(`${grant.action} for ${grant.principal} on ${grant.function} (${grant.statementId})`);
  }
  for (const role of summary.roles) {
    for (const statement of role.trust ?? [])
      for (const wide of widenings(statement, ownAccounts, "resource"))
        flags.push(`role ${role.role} may be assumed ${wide.replace(/^to /, "by ")} (trust ${statement.Sid})`);
    for (const statement of role.statements) {
      const wide = widenings(statement, ownAccounts, "identity");
      if (wide.length > 0) flags.push(`role ${role.role}, ${statement.Sid}: ${wide.join("; ")}`);
    }
    for (const arn of role.managed)
      flags.push(
        `role ${role.role} has the managed policy ${arn.split("/").pop()}${isAdminLikeManagedPolicy(arn.split(" ")[0]!) ? " (admin-like: the run of the account or of a whole service)" : ": read it in full, the plan does not hold its statements"}`,
      );
    if (role.unknownPolicies > 0)
      flags.push(`role ${role.role}: ${role.unknownPolicies} polic${role.unknownPolicies === 1 ? "y" : "ies"} known only after apply: read the configuration`);
  }
  for (const key of summary.keys) {
    if (key.policyUnknown) flags.push(`the key policy of ${key.alias} is known only after apply: read the configuration`);
    for (const statement of key.statements) {
      const wide = widenings(statement, ownAccounts, "resource");
      if (wide.length > 0) flags.push(`key policy of ${key.alias}, ${statement.Sid}: ${wide.join("; ")}`);
    }
  }
  for (const policy of summary.resourcePolicies) {
    if (!policy.statements) flags.push(`${policy.resource}: its policy is known only after apply: read the configuration`);
    for (const statement of policy.statements ?? []) {
      const wide = widenings(statement, ownAccounts, "resource");
      if (wide.length > 0) flags.push(`${policy.resource}, ${statement.Sid}: ${wide.join("; ")}`);
    }
  }
  return flags;
}

function personalDataOf(functions: After[]): ReviewSummary["personalData"] {
  const worker = functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined);
  if (!worker) return [];
  const profiles = profilesOf(worker) as Record<string, { name: string; personalData?: string }>;
  return [
    { channel: undefined, mode: worker.PERSONAL_DATA ?? "mask" },
    ...Object.entries(profiles)
      .filter(([, profile]) => profile.personalData !== undefined)
      .map(([channelId, profile]) => ({ channel: `${channelId} (${profile.name})`, mode: profile.personalData! })),
  ];
}

function doorayOf(functions: After[]): ReviewSummary["dooray"] {
  const worker = functions.map(variablesOf).find((vars) => vars.BOT_MODEL !== undefined) ?? {};
  const profiles = profilesOf(worker) as Record<string, { name: string; dooray?: { projects: string[]; wikis: string[]; taskProject?: string } }>;
  return {
    host: worker.DOORAY_API_URL,
    tokenSecret: worker.DOORAY_API_TOKEN_SECRET_ID,
    linkHosts: worker.LINK_HOSTS ? worker.LINK_HOSTS.split(",") : [],
    channels: Object.entries(profiles)
      .filter(([, profile]) => profile.dooray)
      .map(([channelId, profile]) => ({
        channelId,
        name: profile.name,
        projects: profile.dooray!.projects,
        wikis: profile.dooray!.wikis,
        taskProject: profile.dooray!.taskProject,
      })),
  };
}

/** The channel profiles the worker is told (CHANNEL_PROFILES), or none when the value is not known or not JSON. */
function profilesOf(variables: Record<string, string>): Record<string, unknown> {
  try {
    const parsed = JSON.parse(variables.CHANNEL_PROFILES ?? "{}") as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The settings' exchange rate, from the plan's output (known at plan time); none when unset or unreadable. */
function exchangeRateOf(plan: PlanJson): ExchangeRate | undefined {
  const value = (plan.planned_values as { outputs?: Record<string, { value?: unknown }> } | undefined)?.outputs?.[EXCHANGE_RATE_OUTPUT]?.value;
  try {
    const rate = JSON.parse(String(value)) as Partial<ExchangeRate>;
    return typeof rate.krwPerUsd === "number" && typeof rate.rateDate === "string" ? { krwPerUsd: rate.krwPerUsd, rateDate: rate.rateDate } : undefined;
  } catch {
    return undefined;
  }
}

const variablesOf = (fn: After) => (fn.environment?.[0]?.variables ?? {}) as Record<string, string>;

function tenantsOf(functions: After[]): string[] {
  const listed = functions.map(variablesOf).find((vars) => vars.DOORAY_TENANT_IDS !== undefined)?.DOORAY_TENANT_IDS;
  return listed ? listed.split(",") : [];
}

function keysOf(plan: PlanJson, of: (type: string) => After[]): ReviewSummary["keys"] {
  const keyChanges = plan.resource_changes.filter((change) => change.type === "aws_kms_key" && remains(change));
  return keyChanges.map((change) => {
    // One key per environment, with one alias.
    const alias = of("aws_kms_alias")[0]?.name as string | undefined;
    const statements = change.change.after_unknown?.policy === true ? undefined : parsePolicy(change.change.after.policy);
    const usesAlias = (value: unknown) => value === alias;
    const encrypts = [
      ...of("aws_secretsmanager_secret")
        .filter((secret) => usesAlias(secret.kms_key_id))
        .map((secret) => `secret ${secret.name}`),
      ...of("aws_dynamodb_table")
        .filter((table) => table.server_side_encryption?.[0]?.enabled)
        .map((table) => `table ${table.name}`),
      // A log group takes the key's ARN, which is known after apply only.
      ...plan.resource_changes
        .filter(
          (candidate) =>
            candidate.type === "aws_cloudwatch_log_group" &&
            remains(candidate) &&
            (candidate.change.after.kms_key_id || candidate.change.after_unknown?.kms_key_id === true),
        )
        .map((candidate) => `log group ${candidate.change.after.name}`),
      ...of("aws_sqs_queue")
        .filter((queue) => usesAlias(queue.kms_master_key_id))
        .map((queue) => `queue ${queue.name}`),
      ...of("aws_sns_topic")
        .filter((topic) => usesAlias(topic.kms_master_key_id))
        .map((topic) => `topic ${topic.name}`),
      // The code-signing bucket (the stack's only one): its default encryption names the key by its ARN, known after apply.
      ...(of("aws_s3_bucket_server_side_encryption_configuration").length > 0 ? of("aws_s3_bucket").map((bucket) => `bucket ${bucket.bucket}`) : []),
    ];
    const roles = rolesOf(plan).flatMap((role) =>
      role.statements
        .filter((statement) =>
          (statement.Condition as { "ForAnyValue:StringEquals"?: { "kms:ResourceAliases"?: string[] | string } } | undefined)?.["ForAnyValue:StringEquals"]?.[
            "kms:ResourceAliases"
          ]?.includes(alias ?? ""),
        )
        .map((statement) => ({
          role: role.role,
          actions: statement.Action,
          via: [(statement.Condition as { StringEquals?: { "kms:ViaService"?: string[] | string } }).StringEquals?.["kms:ViaService"] ?? []]
            .flat()
            .map((service) => service.split(".")[0]!),
        })),
    );
    return {
      alias: alias ?? "(no alias)",
      rotation: Boolean(change.change.after.enable_key_rotation),
      encrypts,
      statements: statements ?? [],
      policyUnknown: statements === undefined,
      roles,
    };
  });
}

function budgetsOf(functions: After[]): ReviewSummary["budgets"] {
  const variables = functions
    .map((fn) => (fn.environment?.[0]?.variables ?? {}) as Record<string, string>)
    .find((vars) => vars.BUDGET_USER_DAILY_TOKENS !== undefined);
  if (!variables) return undefined;
  const profiles = profilesOf(variables) as Record<
    string,
    { name: string; model?: string; budgets?: { userDailyTokens?: number; channelDailyTokens?: number } }
  >;
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
  // An offline plan turns the provider's account check off, so its JSON names no account.
  const accounts =
    summary.allowedAccountIds.length > 0
      ? `deploys only to account ${summary.allowedAccountIds.join(", ")}`
      : "account not named in this plan: an offline plan leaves that check to the deploy";
  const lines: string[] = [`──── reviewer's summary: ${summary.stack} (${accounts}) ────`, "", "What is public"];
  const edge = edgeFunctionName(summary.stack);
  for (const url of summary.public.urls) {
    lines.push(
      url.function === edge && url.authorization === "NONE"
        ? `  - a Function URL on ${url.function}, auth NONE: Dooray cannot sign requests, so the function is the gate (app token checked first, in constant time; then tenant and responseUrl host)`
        : url.authorization === "NONE"
          ? `  - ⚠ a Function URL on ${url.function}, auth NONE: anyone on the internet may call it, and nothing in this stack says why`
          : `  - a Function URL on ${url.function}, auth ${url.authorization}: only signed AWS callers the function's policy allows`,
    );
  }
  for (const grant of summary.public.grants) {
    const isEdgeGrant =
      grant.function === edge &&
      grant.statementId === EDGE_PUBLIC_GRANT.statementId &&
      grant.action === EDGE_PUBLIC_GRANT.action &&
      grant.principal === EDGE_PUBLIC_GRANT.principal;
    lines.push(
      isEdgeGrant
        ? `  - ${grant.action} for principal ${grant.principal} on ${grant.function} (${grant.statementId}): new Function URLs need it since October 2025, and provider 5.100.0 cannot limit it to URL calls.` +
            ` Safe because ${grant.function} trusts no event by itself: a request needs the app token, a failure record a job signed with it; its reserved concurrency caps what abuse costs`
        : `  - ⚠ ${grant.action} for principal ${grant.principal} on ${grant.function} (${grant.statementId}): not the edge's URL grant; read why it is needed`,
    );
  }
  for (const name of summary.public.private) lines.push(`  - ${name}: private (no URL, no resource policy; only principals whose own IAM policy allows it)`);
  lines.push("", "Who may call");
  lines.push(
    summary.tenants.length > 0
      ? `  - Dooray tenants ${summary.tenants.join(", ")} only (DOORAY_TENANT_IDS; others get 403)`
      : "  - ⚠ ANY DOORAY TENANT: no tenant allow-list (tenantIds is empty); anyone holding the app token may call. Set tenantIds to your tenant's id",
  );
  if (summary.accessFlags.length > 0) {
    lines.push("", "⚠ Access a reviewer must read (wildcards, admin-like policies, other accounts, the public)");
    for (const flag of summary.accessFlags) lines.push(`  - ⚠ ${flag}`);
  }
  lines.push(
    "",
    "What each role may do (every role in the plan: who may assume it, every statement of its inline policies as actions × resources, every managed policy attached)",
  );
  for (const role of summary.roles) {
    lines.push(`  ${role.role}`);
    const trusted =
      role.trust === undefined
        ? "(known after apply)"
        : role.trust.flatMap((statement) => statement.Principal.map((principal) => principal.replace(/^(AWS|Service|Federated) /, ""))).join(", ") || "nobody";
    lines.push(`    assumed by: ${trusted}`);
    for (const statement of role.statements) {
      lines.push(
        `    ${statement.Sid} (${statement.Effect}): ${statement.NotAction.length > 0 ? `every action but ${statement.NotAction.join(", ")}` : statement.Action.join(", ")}`,
      );
      for (const resource of statement.Resource) lines.push(`      × ${resource}`);
      for (const resource of statement.NotResource) lines.push(`      × every resource but ${resource}`);
      if (statement.Condition) lines.push(`      only if ${JSON.stringify(statement.Condition)}`);
    }
    for (const arn of role.managed) lines.push(`    managed policy ${arn}${isAdminLikeManagedPolicy(arn.split(" ")[0]!) ? " ⚠ admin-like" : ""}`);
    if (role.unknownPolicies > 0) lines.push(`    ${role.unknownPolicies} inline polic${role.unknownPolicies === 1 ? "y" : "ies"} known only after apply`);
  }
  if (summary.resourcePolicies.length > 0) {
    lines.push("", "Resource policies (who else may use a queue, bucket, topic, secret or layer)");
    for (const policy of summary.resourcePolicies) {
      lines.push(`  ${policy.resource}`);
      if (!policy.statements) lines.push("    (known after apply)");
      for (const statement of policy.statements ?? []) lines.push(`    ${describeStatement(statement)}`);
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
    if (fn.onFailure)
      parts.push(
        `a job waits ≤ ${fn.maxEventAgeSeconds} s for a free instance (${fn.retries} retries), then goes to ${fn.onFailure.split(":").pop()} to tell the person`,
      );
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
  if (summary.spend) lines.push(...formatSpend(summary.spend));
  if (summary.modelRoutes) {
    const routes = summary.modelRoutes;
    lines.push(...formatModelRoutes(routes));
    for (const guard of summary.personalData) {
      const route = routes.find((candidate) => candidate.channelId !== undefined && guard.channel?.split(" ")[0] === candidate.channelId) ?? routes[0]!;
      const abroad = route.endpoints.filter((endpoint) => endpoint.residency !== "kr");
      const where = `${route.endpoints.map((endpoint) => endpoint.host).join(", ")}${abroad.some((endpoint) => endpoint.isDefault) ? ", a public endpoint outside Korea" : abroad.length > 0 ? ", outside Korea" : ""}`;
      const what =
        guard.mode === "mask"
          ? "resident, foreigner, passport, driver's licence, card and account numbers are masked before the model sees them"
          : guard.mode === "block"
            ? "a question holding such numbers is refused before any model call; tool results are masked"
            : `⚠ NOTHING IS MASKED: personal numbers go to ${where}`;
      lines.push(`  - personal data ${guard.channel ? `in channel ${guard.channel}` : "by default"} (${guard.mode}): ${what}`);
    }
  }
  lines.push("", "What the bot may read in Dooray (channel scopes; every call is checked against them before it is made)");
  if (summary.dooray.channels.length === 0) lines.push("  - nothing: no channel has a dooray scope, so the model gets no tools");
  else {
    lines.push(
      `  - through ${summary.dooray.host ?? "?"} with the bot account's personal token (secret ${summary.dooray.tokenSecret ?? "?"}, read by the worker only): what that account may see, narrowed per channel to:`,
    );
    for (const channel of summary.dooray.channels) {
      const parts = [
        channel.projects.length > 0 ? `reads tasks of projects ${channel.projects.join(", ")}` : "",
        channel.wikis.length > 0 ? `reads pages of wikis ${channel.wikis.join(", ")}` : "",
        channel.taskProject ? `creates tasks in project ${channel.taskProject}, only when the person confirms` : "",
      ].filter(Boolean);
      lines.push(`    channel ${channel.channelId} (${channel.name}): ${parts.join("; ")}`);
    }
    lines.push(
      "  - each person reads only the scoped projects (and their wikis) they are an admin or member of, checked in Dooray before the model sees any tool",
    );
    lines.push("  - what the tools read goes to the model endpoint with the question; it is never logged (tool names, counts and times only)");
    lines.push(
      `  - links and images in an answer built from Dooray content are kept only to the tenant's Dooray host${summary.dooray.linkHosts.length > 0 ? ` and ${summary.dooray.linkHosts.join(", ")} (linkHosts)` : ""}; others become plain text`,
    );
  }
  lines.push("", "What is kept, and for how long");
  lines.push("  - conversations (question and answer text, for 이어서 질문 and 채널에 공유): 24 hours after their last turn, in the table");
  lines.push("  - daily usage rows (token counts and answer counts by person and channel ids, no text): 35 days");
  lines.push("  - job rows (ids and the outcome, no text): 1 day");
  for (const letters of summary.deadLetters) {
    lines.push(
      `  - ${letters.function}'s dead letters (failure records, which hold the question): ${letters.retentionSeconds === undefined ? "?" : `${Math.round(letters.retentionSeconds / 3600)} hours`} in queue ${letters.queue}`,
    );
  }
  for (const table of summary.tables) {
    if (table.pointInTimeRecovery) lines.push(`  - point-in-time recovery of ${table.name} keeps deleted and expired rows recoverable for up to 35 days`);
  }
  for (const log of summary.logs)
    lines.push(`  - ${log.group}: ${log.retentionDays} days; ids, outcomes and timings only, never a question, an answer or a token`);
  if (summary.keys.length > 0) {
    lines.push("", "Encryption (customer-managed KMS keys)");
    for (const key of summary.keys) {
      lines.push(
        `  - ${key.alias}: rotation ${key.rotation ? "on (yearly)" : "OFF"}; $1 a month plus $0.03 per 10,000 requests (list price); encrypts ${key.encrypts.join(", ")}`,
      );
      if (key.policyUnknown) lines.push("    key policy: known only after apply (read the configuration)");
      for (const statement of key.statements)
        lines.push(
          `    key policy ${statement.Sid}: ${statement.Principal.map((principal) => principal.replace(/^(AWS|Service) /, "")).join(", ") || "?"} may ${statement.Action.join(", ")}`,
        );
      for (const role of key.roles) lines.push(`    role ${role.role}: ${role.actions.join(", ")}, only via ${role.via.join(", ")}`);
    }
  }
  if (summary.codeSigning.profiles.length > 0) {
    const signing = summary.codeSigning;
    lines.push(
      "",
      `Code signing: ${signing.profiles.map((profile) => `profile ${profile.name} (${profile.platform})`).join(", ")}; untrusted code at deploy: ${signing.enforcement.join(", ") || "?"}`,
    );
    lines.push(
      `  - signed, and runs only signed code: ${signing.signedFunctions.join(", ") || "none"}; signed layers: ${signing.signedLayers.join(", ") || "none"}`,
    );
    if (signing.unsignedFunctions.length > 0) lines.push(`  - ⚠ NOT SIGNED: ${signing.unsignedFunctions.join(", ")}`);
  } else if (summary.functions.length > 0) {
    lines.push("", "Code signing: off (Lambda runs any bundle the deployer uploads; set codeSigning to have AWS Signer sign them)");
  }
  if (summary.tracing.length > 0)
    lines.push("", `X-Ray tracing: ${summary.tracing.map((fn) => `${fn.function} ${fn.mode === "Active" ? "active" : "off"}`).join(", ")}`);
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
    lines.push(
      summary.alarmEmails.length > 0
        ? `  who is told: ${summary.alarmEmails.join(", ")} (each confirms its subscription once)`
        : "  ⚠ NOBODY IS TOLD when an alarm fires: set alarms.emails, or subscribe to the alarms yourself",
    );
    for (const alarm of summary.alarms) lines.push(`  - ${alarm.name}`);
  }
  lines.push("", "Log retention");
  for (const log of summary.logs) lines.push(`  - ${log.group}: ${log.retentionDays} days`);
  return lines.join("\n");
}

/** Which functions and layers take their code signed, from S3, under a code-signing config (its ARN known after apply). */
function codeSigningOf(plan: PlanJson, of: (type: string) => After[]): ReviewSummary["codeSigning"] {
  const changes = plan.resource_changes.filter((change) => remains(change));
  const signed = (change: (typeof changes)[number]) =>
    Boolean(change.change.after?.code_signing_config_arn) || change.change.after_unknown?.code_signing_config_arn === true;
  const functions = changes.filter((change) => change.type === "aws_lambda_function");
  return {
    profiles: of("aws_signer_signing_profile").map((profile) => ({
      name: String(profile.name ?? profile.name_prefix ?? "?"),
      platform: String(profile.platform_id),
    })),
    enforcement: of("aws_lambda_code_signing_config").map((config) => String(config.policies?.[0]?.untrusted_artifact_on_deployment ?? "Warn")),
    signedFunctions: functions.filter(signed).map((change) => String(change.change.after.function_name)),
    unsignedFunctions: functions.filter((change) => !signed(change)).map((change) => String(change.change.after.function_name)),
    signedLayers: changes
      .filter(
        (change) =>
          change.type === "aws_lambda_layer_version" &&
          !change.change.after?.filename &&
          (change.change.after?.s3_key || change.change.after_unknown?.s3_key === true),
      )
      .map((change) => String(change.change.after.layer_name)),
  };
}
