import { describe, expect, it } from "vitest";
import { isButtonPress, isDialogSubmission, readButtonPress, readDialogSubmission } from "../../handler/edge/readInteraction.js";
import { commandPayload, pressPayload } from "../support/harness.js";

describe("reading Dooray's interactive payloads", () => {
  it("tells a press, a dialog submission and a command apart by their shape", () => {
    const press = pressPayload("v1.share.x");
    const submission = {
      type: "dialog_submission",
      tenant: { id: "1" },
      channel: { id: "2" },
      user: { id: "3" },
      callbackId: "c",
      submission: { question: "q" },
    };
    const command = commandPayload({ text: "질문" });
    expect([press, submission, command].map((body) => [isButtonPress(body), isDialogSubmission(body)])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it("answers later at the payload's responseUrl, else at the command hook built from the tenant's domain and cmdToken", () => {
    const withUrl = readButtonPress(pressPayload("v", { responseUrl: "https://guide.dooray.com/messenger/api/commands/hook/abc" }));
    expect(withUrl).toMatchObject({
      ok: true,
      value: { responseUrl: "https://guide.dooray.com/messenger/api/commands/hook/abc", userName: "홍길동", actionValue: "v" },
    });
    const withoutUrl = readButtonPress(pressPayload("v"));
    expect(withoutUrl).toMatchObject({
      ok: true,
      value: { responseUrl: "https://guide.dooray.com/messenger/api/commands/hook/cmd-token-1", originalMessage: { text: "원래 메시지" } },
    });
    // A domain that is not a hostname never becomes a URL to post to.
    const odd = readButtonPress({ ...pressPayload("v"), tenant: { id: "1", domain: "evil.example/x?" } });
    expect(odd).toMatchObject({ ok: true, value: { responseUrl: undefined } });
  });

  it("names what is missing or mistyped", () => {
    expect(readButtonPress({ ...pressPayload("v"), user: {} })).toEqual({ ok: false, reason: "missing or mistyped: user.id" });
    expect(readButtonPress({ ...pressPayload("v"), actionValue: 5 })).toEqual({ ok: false, reason: "missing or mistyped: actionValue" });
    const submission = { type: "dialog_submission", tenant: { id: "1" }, channel: { id: "2" }, user: { id: "3" }, callbackId: "c" };
    expect(readDialogSubmission(submission)).toEqual({ ok: false, reason: "missing or mistyped: submission" });
    expect(readDialogSubmission({ ...submission, submission: ["다음"] })).toEqual({ ok: false, reason: "missing or mistyped: submission" });
    // Text fields by name, whichever dialog it was (a follow-up's question, a task's title and body); nothing else.
    expect(readDialogSubmission({ ...submission, submission: { question: "다음" } })).toMatchObject({
      ok: true,
      value: { callbackId: "c", fields: { question: "다음" } },
    });
    expect(readDialogSubmission({ ...submission, submission: { title: "제목", body: "내용", extra: 5 } })).toMatchObject({
      ok: true,
      value: { fields: { title: "제목", body: "내용" } },
    });
  });
});
