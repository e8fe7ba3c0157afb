/**
 * What the review gate stops (docs/operations.md, "What the gate blocks"): one table of the changes that lose data
 * or cut off access, whether the resource goes (delete, replace, forget) or stays and changes in place. Each rule
 * names a resource type, the attribute, and the direction that loses; planReview.ts applies them to every change of
 * a plan, and `--allow-destroy` (the `allow-destroy` label) lets a meant one through.
 */

type Values = Readonly<Record<string, unknown>>;

/** One side of a change, with what Terraform will only know after apply. */
export interface Side {
  readonly values: Values;
  readonly unknown: Values;
}

export interface GateRule {
  readonly type: string;
  /** The attribute (a path such as `ttl.0.enabled`), or `(the resource)` for a delete, replace or forget. */
  readonly attribute: string;
  /** Which direction loses, in words. */
  readonly direction: string;
  readonly loses: "data" | "access";
  /** What is lost, for the comment and stderr. */
  readonly what: string;
  /** Whether this change, before → after, goes the losing way. Unknown after-values count as losing. */
  readonly breaks: (before: Side, after: Side) => boolean;
}

/** The whole-resource attribute: a delete, a replacement or a forget of a resource of this type. */
export const WHOLE_RESOURCE = "(the resource)";

/** The value at a path such as `ttl.0.attribute_name`, and whether it is known before apply. */
export function valueAt(side: Side, path: string): { value: unknown; known: boolean } {
  let value: unknown = side.values;
  let unknown: unknown = side.unknown;
  for (const key of path.split(".")) {
    if (unknown === true) return { value: undefined, known: false };
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    unknown = unknown !== null && typeof unknown === "object" ? (unknown as Record<string, unknown>)[key] : undefined;
  }
  return { value, known: unknown !== true };
}

const turnedOff = (path: string) => (before: Side, after: Side) => {
  const now = valueAt(after, path);
  return valueAt(before, path).value === true && (!now.known || now.value !== true);
};
const changed = (path: string) => (before: Side, after: Side) => {
  const now = valueAt(after, path);
  return !now.known || JSON.stringify(valueAt(before, path).value ?? null) !== JSON.stringify(now.value ?? null);
};
/** A number that lowers, where `forever` (0 for log groups) is the highest. */
const lowered = (path: string, forever?: number) => (before: Side, after: Side) => {
  const rank = (value: unknown) => (typeof value !== "number" ? undefined : value === forever ? Infinity : value);
  const was = rank(valueAt(before, path).value);
  const now = valueAt(after, path);
  if (was === undefined) return false;
  return !now.known || (rank(now.value) ?? Infinity) < was;
};
const whole = (type: string, loses: GateRule["loses"], what: string): GateRule => ({
  type,
  attribute: WHOLE_RESOURCE,
  direction: "deleted, replaced or forgotten",
  loses,
  what,
  breaks: () => true,
});

export const GATE_RULES: readonly GateRule[] = [
  whole("aws_dynamodb_table", "data", "the table: every conversation, daily usage and job row"),
  whole("aws_secretsmanager_secret", "data", "a secret: its value is gone (and its name is held for the recovery window)"),
  whole("aws_kms_key", "data", "the KMS key: everything it encrypts becomes unreadable once the key is deleted"),
  whole("aws_kms_alias", "access", "the key's alias: the roles may use the key only through it (kms:ResourceAliases)"),
  whole("aws_cloudwatch_log_group", "data", "a log group: its logs"),
  whole("aws_sqs_queue", "data", "the dead-letter queue: failure records waiting in it"),
  {
    type: "aws_dynamodb_table",
    attribute: "deletion_protection_enabled",
    direction: "true → false",
    loses: "data",
    what: "deletion protection turned off: the table can then be deleted",
    breaks: turnedOff("deletion_protection_enabled"),
  },
  {
    type: "aws_dynamodb_table",
    attribute: "point_in_time_recovery.0.enabled",
    direction: "true → false",
    loses: "data",
    what: "point-in-time recovery turned off: the backups of the last 35 days are gone",
    breaks: turnedOff("point_in_time_recovery.0.enabled"),
  },
  {
    type: "aws_dynamodb_table",
    attribute: "ttl.0.enabled",
    direction: "true → false",
    loses: "data",
    what: "TTL turned off: rows no longer expire, and what the retention promises no longer holds",
    breaks: turnedOff("ttl.0.enabled"),
  },
  {
    type: "aws_dynamodb_table",
    attribute: "ttl.0.attribute_name",
    direction: "any change",
    loses: "data",
    what: "the TTL attribute renamed: every row's expiry changes meaning",
    breaks: (before, after) => valueAt(before, "ttl.0.enabled").value === true && changed("ttl.0.attribute_name")(before, after),
  },
  {
    type: "aws_dynamodb_table",
    attribute: "server_side_encryption",
    direction: "any change",
    loses: "access",
    what: "the table's encryption changed: another key, or none, guards every row",
    breaks: changed("server_side_encryption"),
  },
  {
    type: "aws_kms_key",
    attribute: "is_enabled",
    direction: "true → false",
    loses: "access",
    what: "the key disabled: nothing it encrypts can be read until it is enabled again",
    breaks: turnedOff("is_enabled"),
  },
  {
    type: "aws_kms_key",
    attribute: "policy",
    direction: "any change",
    loses: "access",
    what: "the key policy replaced: who may use or manage the key changes",
    breaks: changed("policy"),
  },
  {
    type: "aws_kms_key",
    attribute: "deletion_window_in_days",
    direction: "lowered",
    loses: "data",
    what: "the key's deletion window shortened: less time to cancel a deletion",
    breaks: lowered("deletion_window_in_days"),
  },
  {
    type: "aws_kms_alias",
    attribute: "target_key_id",
    direction: "any change",
    loses: "access",
    what: "the alias pointed at another key: the roles' kms:ResourceAliases condition now names that key",
    breaks: changed("target_key_id"),
  },
  {
    type: "aws_secretsmanager_secret",
    attribute: "recovery_window_in_days",
    direction: "lowered (0: deleted at once)",
    loses: "data",
    what: "the secret's recovery window shortened: a deletion can be undone for less time, or not at all",
    breaks: lowered("recovery_window_in_days"),
  },
  {
    type: "aws_cloudwatch_log_group",
    attribute: "retention_in_days",
    direction: "lowered (0 is forever)",
    loses: "data",
    what: "log retention lowered: older logs are deleted",
    breaks: lowered("retention_in_days", 0),
  },
  {
    type: "aws_sqs_queue",
    attribute: "message_retention_seconds",
    direction: "lowered",
    loses: "data",
    what: "the queue's retention lowered: older failure records are deleted",
    breaks: lowered("message_retention_seconds"),
  },
];

/** The rules a change of one resource breaks: whole-resource ones for a delete, replace or forget, else in place. */
export function brokenRules(type: string, action: string, before: Side, after: Side): GateRule[] {
  const rules = GATE_RULES.filter((rule) => rule.type === type);
  if (action === "delete" || action === "replace" || action === "forget") return rules.filter((rule) => rule.attribute === WHOLE_RESOURCE);
  if (action !== "update") return [];
  return rules.filter((rule) => rule.attribute !== WHOLE_RESOURCE && rule.breaks(before, after));
}
