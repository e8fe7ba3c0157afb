import { CONVERSATION_KEEP_SECONDS, PARTITION_KEY, TTL_ATTRIBUTE, conversationKey, personKey } from "./tableKeys.js";
import type { CallLimits } from "../aws/awsRequest.js";
import { isConditionFailure, numberOf, type TableRef } from "./tableRef.js";

export interface Turn {
  readonly question: string;
  readonly answer: string;
  /** The job that answered it: a save retried after its answer was lost finds its turn instead of adding it again. */
  readonly jobId?: string;
  /** The Dooray projects and wikis its answer was built from ("플랫폼 프로젝트"): sharing it asks first. */
  readonly places?: readonly string[];
}

/** One person's conversation in one channel: the turns that follow-ups and regeneration build on. */
export interface Conversation {
  readonly id: string;
  readonly tenantId: string;
  readonly channelId: string;
  readonly userId: string;
  /** Absolute index of turns[0]: older turns were dropped to keep the row small, and buttons name absolute turns. */
  readonly firstTurn: number;
  readonly turns: readonly Turn[];
  /** Bumped on every save; a save expecting another version lost a race and reads again. */
  readonly version: number;
}

/** A stored answer longer than this keeps its beginning: enough context for a follow-up, and the row stays small. */
export const STORED_ANSWER_MAX_CHARS = 8_000;
/** The whole row's turns stay under this (DynamoDB's item limit is 400 KB; a read costs per 4 KB). */
export const STORED_TURNS_MAX_CHARS = 40_000;

/** The conversation, or undefined when there is none or it is past its expiry (TTL deletes rows some time later). */
export async function loadConversation(ref: TableRef, id: string, nowSeconds: number, within: CallLimits = {}): Promise<Conversation | undefined> {
  const result = await ref.call("GetItem", { TableName: ref.table, Key: { [PARTITION_KEY]: { S: conversationKey(id) } }, ConsistentRead: true }, within);
  const item = result.Item as Record<string, { S?: string; N?: string }> | undefined;
  if (!item || numberOf(item, TTL_ATTRIBUTE) < nowSeconds) return undefined;
  return {
    id,
    tenantId: item.tenantId?.S ?? "",
    channelId: item.channelId?.S ?? "",
    userId: item.userId?.S ?? "",
    firstTurn: numberOf(item, "firstTurn"),
    turns: JSON.parse(item.turns?.S ?? "[]") as Turn[],
    version: numberOf(item, "version"),
  };
}

/**
 * The conversation with `turn` set at absolute index `index` (a regenerated answer) or appended (index = the next
 * one), long answers shortened and the oldest turns dropped until the row fits.
 */
export function withTurn(conversation: Conversation, index: number, turn: Turn): Conversation {
  const stored = { ...turn, answer: turn.answer.length > STORED_ANSWER_MAX_CHARS ? `${turn.answer.slice(0, STORED_ANSWER_MAX_CHARS)}…` : turn.answer };
  const turns = [...conversation.turns];
  turns[index - conversation.firstTurn] = stored;
  let firstTurn = conversation.firstTurn;
  const size = () => turns.reduce((sum, kept) => sum + kept.question.length + kept.answer.length, 0);
  while (turns.length > 1 && size() > STORED_TURNS_MAX_CHARS) {
    turns.shift();
    firstTurn++;
  }
  return { ...conversation, firstTurn, turns };
}

/**
 * Writes the conversation if nobody else did since `conversation.version` was read (0: it must not exist yet), and
 * restarts its 24-hour expiry. "conflict" means another turn landed first: read again and retry.
 */
export async function saveConversation(ref: TableRef, conversation: Conversation, nowSeconds: number, within: CallLimits = {}): Promise<"saved" | "conflict"> {
  try {
    await ref.call(
      "PutItem",
      {
        TableName: ref.table,
        Item: {
          [PARTITION_KEY]: { S: conversationKey(conversation.id) },
          tenantId: { S: conversation.tenantId },
          channelId: { S: conversation.channelId },
          userId: { S: conversation.userId },
          firstTurn: { N: String(conversation.firstTurn) },
          turns: { S: JSON.stringify(conversation.turns) },
          version: { N: String(conversation.version + 1) },
          [TTL_ATTRIBUTE]: { N: String(nowSeconds + CONVERSATION_KEEP_SECONDS) },
        },
        ...(conversation.version === 0
          ? { ConditionExpression: `attribute_not_exists(${PARTITION_KEY})` }
          : { ConditionExpression: "version = :version", ExpressionAttributeValues: { ":version": { N: String(conversation.version) } } }),
      },
      within,
    );
    return "saved";
  } catch (error) {
    if (isConditionFailure(error)) return "conflict";
    throw error;
  }
}

/**
 * Adds a conversation to its person's index row (`person#…`), kept as long as their newest conversation: what
 * `npm run forget` reads to delete a person's conversations without scanning the table. A set: adding twice is once.
 * A job issued before the person was forgotten (`forgottenAt` on the row, written first by forget) adds nothing:
 * "forgotten", and its turn is not stored.
 */
export async function indexConversation(
  ref: TableRef,
  conversation: Pick<Conversation, "id" | "tenantId" | "userId">,
  nowSeconds: number,
  within: CallLimits = {},
  jobIssuedAtMs?: number,
): Promise<"indexed" | "forgotten"> {
  try {
    await ref.call(
      "UpdateItem",
      {
        TableName: ref.table,
        Key: { [PARTITION_KEY]: { S: personKey(conversation.tenantId, conversation.userId) } },
        UpdateExpression: `ADD conversations :id SET ${TTL_ATTRIBUTE} = :expires`,
        ...(jobIssuedAtMs === undefined ? {} : { ConditionExpression: `attribute_not_exists(${FORGOTTEN_AT}) OR ${FORGOTTEN_AT} < :issued` }),
        ExpressionAttributeValues: {
          ":id": { SS: [conversation.id] },
          ":expires": { N: String(nowSeconds + CONVERSATION_KEEP_SECONDS) },
          ...(jobIssuedAtMs === undefined ? {} : { ":issued": { N: String(jobIssuedAtMs) } }),
        },
      },
      within,
    );
    return "indexed";
  } catch (error) {
    if (isConditionFailure(error)) return "forgotten";
    throw error;
  }
}

/** When a person was forgotten (ms), on their index row: jobs issued before it store nothing more of theirs. */
export const FORGOTTEN_AT = "forgottenAt";

/**
 * Marks a person forgotten before their conversations are deleted, so that no job already under way adds one back
 * to the index. The mark outlives every job that could have been issued before it (a day past a conversation's life).
 */
export async function markForgotten(ref: TableRef, tenantId: string, userId: string, nowMs: number, within: CallLimits = {}): Promise<void> {
  await ref.call(
    "UpdateItem",
    {
      TableName: ref.table,
      Key: { [PARTITION_KEY]: { S: personKey(tenantId, userId) } },
      UpdateExpression: `SET ${FORGOTTEN_AT} = :now, ${TTL_ATTRIBUTE} = :expires`,
      ExpressionAttributeValues: { ":now": { N: String(nowMs) }, ":expires": { N: String(Math.floor(nowMs / 1000) + CONVERSATION_KEEP_SECONDS + 86_400) } },
    },
    within,
  );
}
