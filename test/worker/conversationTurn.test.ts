import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newJob } from "../../handler/job/signedJob.js";
import { createLogger } from "../../handler/log.js";
import { startLocalTable, type LocalTable } from "../../handler/dev/localTable.js";
import {
  loadConversation,
  saveConversation,
  STORED_ANSWER_MAX_CHARS,
  STORED_TURNS_MAX_CHARS,
  withTurn,
  type Conversation,
} from "../../handler/store/conversations.js";
import { CONVERSATION_KEEP_SECONDS } from "../../handler/store/tableKeys.js";
import { recordTurn } from "../../handler/worker/conversationTurn.js";
import { planTurn, promptFor } from "../../handler/store/turnPlan.js";

const NOW_S = 1_790_000_000;
const turn = (n: number, size = 10) => ({ question: `질문 ${n}`, answer: `답변 ${n} ${"가".repeat(size)}` });
const conversation = (fields: Partial<Conversation> = {}): Conversation => ({
  id: "conv-0123456789",
  tenantId: "t",
  channelId: "c",
  userId: "u",
  firstTurn: 0,
  turns: [],
  version: 0,
  ...fields,
});

describe("the model's messages for a follow-up", () => {
  it("sends the system prompt, the earlier turns in order, then the question", () => {
    expect(promptFor("시스템", [turn(1), turn(2)], "세 번째", 10_000)).toEqual([
      { role: "system", content: "시스템" },
      { role: "user", content: "질문 1" },
      { role: "assistant", content: turn(1).answer },
      { role: "user", content: "질문 2" },
      { role: "assistant", content: turn(2).answer },
      { role: "user", content: "세 번째" },
    ]);
  });

  it("drops the oldest turns first when the history passes its token budget", () => {
    // Each turn counts its UTF-8 bytes, the tokens' upper bound: about 930 (Hangul: three bytes a syllable).
    const history = [turn(1, 300), turn(2, 300), turn(3, 300)];
    const kept = promptFor("시스템", history, "다음", 2_000)
      .filter((message) => message.role === "user")
      .map((message) => message.content);
    expect(kept).toEqual(["질문 2", "질문 3", "다음"]);
    expect(promptFor("시스템", history, "다음", 0)).toHaveLength(2);
  });
});

describe("stored conversations", () => {
  let table: LocalTable;
  beforeAll(async () => void (table = await startLocalTable()));
  afterAll(() => table.close());

  it("keeps a long answer's beginning, and drops the oldest turns past the row's size, numbering turns absolutely", () => {
    const long = withTurn(conversation(), 0, { question: "q", answer: "x".repeat(STORED_ANSWER_MAX_CHARS + 500) });
    expect(long.turns[0]!.answer).toHaveLength(STORED_ANSWER_MAX_CHARS + 1);
    let grown = conversation();
    for (let index = 0; index < 8; index++) grown = withTurn(grown, index, { question: `q${index}`, answer: "y".repeat(7_000) });
    expect(grown.turns.reduce((sum, kept) => sum + kept.question.length + kept.answer.length, 0)).toBeLessThanOrEqual(STORED_TURNS_MAX_CHARS);
    expect(grown.firstTurn + grown.turns.length).toBe(8);
    expect(grown.turns.at(-1)!.question).toBe("q7");
    expect(grown.turns[0]!.question).toBe(`q${grown.firstTurn}`);
  });

  it("saves only over the version it read: the second of two concurrent saves is told to read again", async () => {
    const fresh = withTurn(conversation({ id: "conv-race-000001" }), 0, turn(0));
    expect(await saveConversation(table, fresh, NOW_S)).toBe("saved");
    expect(await saveConversation(table, fresh, NOW_S)).toBe("conflict");
    const stored = (await loadConversation(table, "conv-race-000001", NOW_S))!;
    expect(stored).toMatchObject({ version: 1, turns: [turn(0)] });
    const a = withTurn(stored, 1, turn(1));
    const b = withTurn(stored, 1, turn(9));
    expect(await saveConversation(table, a, NOW_S)).toBe("saved");
    expect(await saveConversation(table, b, NOW_S)).toBe("conflict");
  });

  it("counts a conversation past its 24 hours as gone, before DynamoDB's TTL deletes it", async () => {
    await saveConversation(table, withTurn(conversation({ id: "conv-old-0000001" }), 0, turn(0)), NOW_S);
    expect(await loadConversation(table, "conv-old-0000001", NOW_S + CONVERSATION_KEEP_SECONDS - 1)).toBeDefined();
    expect(await loadConversation(table, "conv-old-0000001", NOW_S + CONVERSATION_KEEP_SECONDS + 1)).toBeUndefined();
  });

  it("continues only the asker's conversation in its channel; regenerates only a turn that exists", async () => {
    await saveConversation(table, withTurn(conversation({ id: "conv-owner-00001" }), 0, turn(0)), NOW_S);
    const job = (fields: { userId?: string; channelId?: string; turn?: number; kind?: "regenerate" | "followUp" }) => ({
      ...newJob(
        { tenantId: "t", channelId: fields.channelId ?? "c", userId: fields.userId ?? "u", text: "다음", responseUrl: "https://x.dooray.com/h" },
        NOW_S * 1000,
      ),
      thread: { kind: fields.kind ?? "followUp", conversationId: "conv-owner-00001", turn: fields.turn ?? 0 },
    });
    expect(await planTurn(table, job({}), NOW_S)).toMatchObject({ ok: true, turn: 1, question: "다음", history: [turn(0)] });
    expect(await planTurn(table, job({ kind: "regenerate" }), NOW_S)).toMatchObject({ ok: true, turn: 0, question: "질문 0", history: [] });
    expect(await planTurn(table, job({ userId: "someone-else" }), NOW_S)).toEqual({ ok: false });
    expect(await planTurn(table, job({ channelId: "other" }), NOW_S)).toEqual({ ok: false });
    expect(await planTurn(table, job({ kind: "regenerate", turn: 5 }), NOW_S)).toEqual({ ok: false });
  });

  it("records two follow-ups answered at once as two turns, the later one after the first", async () => {
    await saveConversation(table, withTurn(conversation({ id: "conv-two-0000001" }), 0, turn(0)), NOW_S);
    const followUp = (text: string) => ({
      ...newJob({ tenantId: "t", channelId: "c", userId: "u", text, responseUrl: "https://x.dooray.com/h" }, NOW_S * 1000),
      thread: { kind: "followUp" as const, conversationId: "conv-two-0000001", turn: 0 },
    });
    const [first, second] = [followUp("A"), followUp("B")];
    const [planA, planB] = await Promise.all([planTurn(table, first, NOW_S), planTurn(table, second, NOW_S)]);
    const log = createLogger(() => undefined);
    const indices = await Promise.all([
      recordTurn(table, first, planA as never, "답 A", NOW_S, log),
      recordTurn(table, second, planB as never, "답 B", NOW_S, log),
    ]);
    const stored = (await loadConversation(table, "conv-two-0000001", NOW_S))!;
    expect(stored.turns.map((kept) => kept.question).sort()).toEqual(["A", "B", "질문 0"]);
    // Each is told the turn it was stored under, for its buttons: both planned turn 1, one of them is turn 2.
    expect([...indices].sort()).toEqual([1, 2]);
    expect(stored.turns[indices[0]!]!.question).toBe("A");
    expect(stored.version).toBe(3);
  });
});
