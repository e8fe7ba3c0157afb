import { describe, expect, it } from "vitest";
import { guardTurn } from "../../handler/worker/guardTurn.js";

/** The guard on a turn (handler/worker/guardTurn.ts): the question and the conversation a follow-up sends with it. */
const plan = (question: string, history: { question: string; answer: string }[] = []) => ({
  ok: true as const,
  conversation: undefined,
  conversationId: "conv-0123456789",
  turn: history.length,
  question,
  history,
});

describe("guardTurn", () => {
  it("masks the question and every earlier turn sent with it (turns stored before the guard included), counting each kind", () => {
    const guarded = guardTurn(
      plan("그 카드로 다시 결제해줘", [{ question: "카드 4111-1111-1111-1111 결제 오류", answer: "고객 900101-1234567 건은 확인했어요" }]),
      "mask",
    );
    expect(guarded.blocked).toBe(false);
    expect(guarded.plan.history).toEqual([{ question: "카드 [카드번호] 결제 오류", answer: "고객 [주민등록번호] 건은 확인했어요" }]);
    expect(guarded.counts).toEqual({ card: 1, rrn: 1 });
  });

  it("block refuses on the question alone: a clean question with an old number in its history is sent, masked", () => {
    expect(guardTurn(plan("여권 M12345678 갱신 방법"), "block")).toMatchObject({ blocked: true, counts: { passport: 1 } });
    const followUp = guardTurn(plan("다음 단계는?", [{ question: "면허 11-12-345678-90 확인", answer: "확인했어요" }]), "block");
    expect(followUp.blocked).toBe(false);
    expect(followUp.plan.history[0]!.question).toBe("면허 [운전면허번호] 확인");
  });

  it("allow changes nothing and counts nothing", () => {
    const original = plan("주민번호 900101-1234567");
    expect(guardTurn(original, "allow")).toEqual({ plan: original, counts: {}, blocked: false });
  });
});
