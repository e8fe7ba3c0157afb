import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerMessages, splitAnswer } from "../../handler/worker/splitAnswer.js";
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
