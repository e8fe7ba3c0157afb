/**
 * A button press or a dialog submission, as Dooray posts it to the Interactive Message Request URL (which is the
 * same Function URL as commands: the body's shape tells them apart). Pure: fields are checked, nothing is trusted.
 */
export interface Interaction {
  readonly tenantId: string;
  readonly tenantDomain: string | undefined;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string | undefined;
  readonly cmdToken: string | undefined;
  readonly triggerId: string | undefined;
  /** Where later posts go: the payload's responseUrl, else the command hook built from cmdToken. */
  readonly responseUrl: string | undefined;
}

export interface ButtonPress extends Interaction {
  readonly actionValue: string;
  /** The message the button sat in, sent back unchanged when the press should not change it. */
  readonly originalMessage: Record<string, unknown> | undefined;
}

export interface DialogSubmission extends Interaction {
  readonly callbackId: string;
  /** The dialog's fields by name (text values only): `question` for a follow-up, `title` and `body` for a task. */
  readonly fields: Readonly<Record<string, string>>;
}

export function isDialogSubmission(fields: Readonly<Record<string, unknown>>): boolean {
  return fields.type === "dialog_submission";
}

/** A press carries the action's value and the tenant/channel/user objects; a command carries tenantId instead. */
export function isButtonPress(fields: Readonly<Record<string, unknown>>): boolean {
  return !isDialogSubmission(fields) && typeof fields.tenant === "object" && fields.tenant !== null && ("actionValue" in fields || "callbackId" in fields);
}

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function readButtonPress(fields: Readonly<Record<string, unknown>>): Read<ButtonPress> {
  const base = readInteraction(fields);
  if (!base.ok) return base;
  const actionValue = fields.actionValue;
  if (typeof actionValue !== "string" || actionValue.length > 512) return { ok: false, reason: "missing or mistyped: actionValue" };
  const original = fields.originalMessage;
  return {
    ok: true,
    value: {
      ...base.value,
      actionValue,
      originalMessage: typeof original === "object" && original !== null && !Array.isArray(original) ? (original as Record<string, unknown>) : undefined,
    },
  };
}

export function readDialogSubmission(fields: Readonly<Record<string, unknown>>): Read<DialogSubmission> {
  const base = readInteraction(fields);
  if (!base.ok) return base;
  const submission = fields.submission as Record<string, unknown> | undefined;
  if (typeof fields.callbackId !== "string" || fields.callbackId.length > 512) return { ok: false, reason: "missing or mistyped: callbackId" };
  if (typeof submission !== "object" || submission === null || Array.isArray(submission)) return { ok: false, reason: "missing or mistyped: submission" };
  const texts = Object.fromEntries(Object.entries(submission).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  return { ok: true, value: { ...base.value, callbackId: fields.callbackId, fields: texts } };
}

function readInteraction(fields: Readonly<Record<string, unknown>>): Read<Interaction> {
  const id = (objectName: string) => {
    const value = (fields[objectName] as Record<string, unknown> | undefined)?.id;
    return typeof value === "string" && value !== "" && value.length <= 256 ? value : undefined;
  };
  const optional = (value: unknown, max = 256) => (typeof value === "string" && value !== "" && value.length <= max ? value : undefined);
  const tenantId = id("tenant");
  const channelId = id("channel");
  const userId = id("user");
  const missing = [tenantId ? "" : "tenant.id", channelId ? "" : "channel.id", userId ? "" : "user.id"].filter(Boolean);
  if (missing.length > 0) return { ok: false, reason: `missing or mistyped: ${missing.join(", ")}` };
  const tenantDomain = optional((fields.tenant as Record<string, unknown>).domain);
  const cmdToken = optional(fields.cmdToken);
  const hook =
    tenantDomain && cmdToken && /^[\w.-]+$/.test(tenantDomain)
      ? `https://${tenantDomain}/messenger/api/commands/hook/${encodeURIComponent(cmdToken)}`
      : undefined;
  return {
    ok: true,
    value: {
      tenantId: tenantId!,
      tenantDomain,
      channelId: channelId!,
      userId: userId!,
      userName: optional((fields.user as Record<string, unknown>).name, 100),
      cmdToken,
      triggerId: optional(fields.triggerId),
      responseUrl: optional(fields.responseUrl, 2048) ?? hook,
    },
  };
}
