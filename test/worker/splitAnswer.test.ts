import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messages } from "../../handler/dooray/messages.js";
import { answerMessages, MAX_PARTS, splitAnswer } from "../../handler/worker/splitAnswer.js";
import { longAnswer } from "../support/fakeOpenAI.js";

describe("splitAnswer", () => {
  it("keeps a short answer whole", () => {
    expect(splitAnswer("짧은 답", 100)).toEqual(["짧은 답"]);
  });

  it("cuts on line breaks when it can", () => {
    const pieces = splitAnswer(longAnswer(1_000), 300);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith("\n")).toBe(true);
  });

  it("never loses or reorders a character, and never exceeds the limit", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 2_000 }), fc.integer({ min: 1, max: 400 }), (text, max) => {
        const pieces = splitAnswer(text, max);
        expect(pieces.join("")).toBe(text);
        for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe("answerMessages", () => {
  it("numbers the parts of a long answer and keeps every line", () => {
    const answer = longAnswer(7_000);
    const parts = answerMessages(answer, 3_000);
    expect(parts.length).toBe(3);
    parts.forEach((part, index) => {
      expect(part.startsWith(`(${index + 1}/3)\n`)).toBe(true);
      expect(part.length).toBeLessThanOrEqual(3_000);
    });
    const joined = parts.map((part) => part.replace(/^\(\d\/3\)\n/, "")).join("\n");
    expect(joined.split("\n")).toEqual(answer.split("\n"));
  });
});

describe("answerMessages, bounded in size and count", () => {
  const NOTE = "⚠️ 답변이 여기서 끊겼어요.";

  it("never exceeds the limit, whatever the answer, the limit and the note", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30_000 }), fc.integer({ min: 200, max: 3_000 }), fc.option(fc.constant(NOTE)), (text, max, note) => {
        const parts = answerMessages(text, max, note ?? undefined);
        expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
        for (const part of parts) expect(part.length).toBeLessThanOrEqual(max);
        if (note) expect(parts.at(-1)!.endsWith(note)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps within the limit past 99 parts (numbering grows) and with the cut-off note", () => {
    for (const part of answerMessages(longAnswer(40_000), 200)) expect(part.length).toBeLessThanOrEqual(200);
    const nearlyFull = "가".repeat(2_995);
    for (const part of answerMessages(nearlyFull, 3_000, NOTE)) expect(part.length).toBeLessThanOrEqual(3_000);
  });

  it(`sends at most ${MAX_PARTS} parts and says clearly that the answer was cut`, () => {
    const parts = answerMessages(longAnswer(100_000), 3_000);
    expect(parts).toHaveLength(MAX_PARTS);
    expect(parts[0]!.startsWith(`(1/${MAX_PARTS})\n`)).toBe(true);
    expect(parts.at(-1)!.endsWith(messages.answerTooLong)).toBe(true);
    const withNote = answerMessages(longAnswer(100_000), 3_000, NOTE);
    expect(withNote.at(-1)!.endsWith(`${messages.answerTooLong}\n${NOTE}`)).toBe(true);
  });

  it("puts the note on the last part, after the whole answer", () => {
    const parts = answerMessages(longAnswer(5_000), 3_000, NOTE);
    expect(parts.at(-1)!.endsWith(`\n\n${NOTE}`)).toBe(true);
    const joined = parts
      .map((part) => part.replace(/^\(\d+\/\d+\)\n/, ""))
      .join("\n")
      .replace(`\n\n${NOTE}`, "");
    expect(joined.split("\n")).toEqual(longAnswer(5_000).split("\n"));
  });
});
