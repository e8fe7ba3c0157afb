import { describeStatement, isAdminLikeManagedPolicy } from "./iamPolicy.js";
import { ARM64_USD_PER_GB_SECOND, edgeFunctionName, isEdgePublicGrant, type ReviewSummary } from "./summaryModel.js";
import { formatModelRoutes } from "./modelRoutes.js";
import { formatSpend } from "./spendCeilings.js";

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
    const isEdgeGrant = isEdgePublicGrant(grant, summary.stack);
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
