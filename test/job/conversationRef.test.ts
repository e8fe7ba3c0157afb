import { describe, expect, it } from "vitest";
import {
  CONVERSATION_REF_MAX_AGE_SECONDS,
  DIALOG_REF_MAX_AGE_SECONDS,
  conversationRef,
  dialogRef,
  readConversationRef,
  readDialogRef,
} from "../../handler/job/conversationRef.js";

const TOKEN = "ref-token-0123456789abcdef";
const owner = { tenantId: "t1", channelId: "c1", userId: "u1" };
const NOW = 1_790_000_000_000;
const ref = { action: "regenerate" as const, conversationId: "conv-0123456789", turn: 3 };

describe("conversation references (button values)", () => {
  it("round-trips for the person it was made for, and holds only ids", () => {
    const value = conversationRef(ref, owner, TOKEN, NOW);
    expect(value).toMatch(/^v1\.regenerate\.conv-0123456789\.3\.1790000000\.[\w-]{43}$/);
    expect(readConversationRef(value, owner, [TOKEN], NOW + 1000)).toEqual({ ok: true, ref, issuedAtMs: NOW });
  });

  it.each([
    ["another person", { ...owner, userId: "u2" }],
    ["another channel", { ...owner, channelId: "c2" }],
    ["another tenant", { ...owner, tenantId: "t2" }],
  ])("does not verify for %s", (_, other) => {
    expect(readConversationRef(conversationRef(ref, owner, TOKEN, NOW), other, [TOKEN], NOW)).toEqual({ ok: false, reason: "not this person's" });
  });

  it("does not verify when any part was changed, or with another token", () => {
    const value = conversationRef(ref, owner, TOKEN, NOW);
    for (const altered of [value.replace(".regenerate.", ".share."), value.replace(".3.", ".2."), value.replace("conv-0123456789", "conv-9876543210")]) {
      expect(readConversationRef(altered, owner, [TOKEN], NOW)).toEqual({ ok: false, reason: "not this person's" });
    }
    expect(readConversationRef(value, owner, ["another-token-000000000"], NOW)).toEqual({ ok: false, reason: "not this person's" });
  });

  it("verifies with the previous token during a rotation, and expires after a day", () => {
    const value = conversationRef(ref, owner, TOKEN, NOW);
    expect(readConversationRef(value, owner, ["new-token-000000000000", TOKEN], NOW).ok).toBe(true);
    expect(readConversationRef(value, owner, [TOKEN], NOW + (CONVERSATION_REF_MAX_AGE_SECONDS + 1) * 1000)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses anything not shaped like a reference", () => {
    for (const value of [undefined, 42, "", "v2.share.conv-0123456789.0.1.x", "v1.delete.conv-0123456789.0.1." + "a".repeat(43), "v1.share.a.b.c"]) {
      expect(readConversationRef(value, owner, [TOKEN], NOW)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});

describe("follow-up dialogs' callbackIds", () => {
  const dialog = { kind: "followUp" as const, conversationId: "conv-0123456789", turn: 2, dialogId: "AbCdEfGhIjKlMnOp" };

  it("round-trip for the asker only, for an hour", () => {
    const value = dialogRef(dialog, owner, TOKEN, NOW);
    expect(value).toMatch(/^d1\.conv-0123456789\.2\.1790000000\.AbCdEfGhIjKlMnOp\.[\w-]{43}$/);
    expect(readDialogRef(value, owner, [TOKEN], NOW + 1000)).toEqual({ ok: true, ref: dialog });
    expect(readDialogRef(value, { ...owner, userId: "u2" }, [TOKEN], NOW)).toEqual({ ok: false, reason: "not this person's" });
    expect(readDialogRef(value, owner, [TOKEN], NOW + (DIALOG_REF_MAX_AGE_SECONDS + 1) * 1000)).toEqual({ ok: false, reason: "expired", kind: "followUp" });
  });

  it("are signed for a purpose of their own: a button's value is no dialog's, and a dialog's no button's", () => {
    const button = conversationRef({ action: "followUp", conversationId: dialog.conversationId, turn: 2 }, owner, TOKEN, NOW);
    expect(readDialogRef(button, owner, [TOKEN], NOW).ok).toBe(false);
    // Even spelled as a dialog's, a button's signature does not verify.
    const [, , conversation, turn, issued, signature] = button.split(".");
    expect(readDialogRef(`d1.${conversation}.${turn}.${issued}.${dialog.dialogId}.${signature}`, owner, [TOKEN], NOW)).toEqual({
      ok: false,
      reason: "not this person's",
    });
    expect(readConversationRef(dialogRef(dialog, owner, TOKEN, NOW), owner, [TOKEN], NOW).ok).toBe(false);
  });

  it("tell a task dialog from a follow-up: each kind is keyed for itself, so one cannot pass as the other", () => {
    const task = dialogRef({ ...dialog, kind: "task" }, owner, TOKEN, NOW);
    expect(task).toMatch(/^t1\.conv-0123456789\.2\.1790000000\.AbCdEfGhIjKlMnOp\.[\w-]{43}$/);
    expect(readDialogRef(task, owner, [TOKEN], NOW)).toEqual({ ok: true, ref: { ...dialog, kind: "task" } });
    expect(readDialogRef(task.replace(/^t1/, "d1"), owner, [TOKEN], NOW)).toEqual({ ok: false, reason: "not this person's" });
    expect(readDialogRef(dialogRef(dialog, owner, TOKEN, NOW).replace(/^d1/, "t1"), owner, [TOKEN], NOW)).toEqual({ ok: false, reason: "not this person's" });
  });
});
