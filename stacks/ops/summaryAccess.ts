import { isAdminLikeManagedPolicy, parsePolicy, widenings, type Statement } from "./iamPolicy.js";
import type { PlanJson } from "./offlineTerraform.js";
import { edgeFunctionName, isEdgePublicGrant, known, remaining, type ReviewSummary } from "./summaryModel.js";

/** Who may do what, read from the plan: every role and resource policy, and the access flags the gate judges. */
/** Every role in the plan, and every policy attached to a role in the plan, however it is attached. */
export function rolesOf(plan: PlanJson): ReviewSummary["roles"] {
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
export function resourcePoliciesOf(plan: PlanJson): ReviewSummary["resourcePolicies"] {
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
export function ownAccountsOf(summary: ReviewSummary): string[] {
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
export function accessFlagsOf(summary: ReviewSummary, ownAccounts: readonly string[]): string[] {
  const flags: string[] = [];
  const edge = edgeFunctionName(summary.stack);
  for (const url of summary.public.urls) {
    if (url.authorization === "NONE" && url.function !== edge) flags.push(`a Function URL with no auth on ${url.function}: anyone on the internet may call it`);
  }
  for (const grant of summary.public.grants) {
    const isEdgeGrant = isEdgePublicGrant(grant, summary.stack);
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
