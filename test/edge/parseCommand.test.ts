import { describe, expect, it } from "vitest";
import { parseCommand } from "../../handler/edge/parseCommand.js";
import { commandPayload } from "../support/harness.js";

describe("parseCommand", () => {
  it("reads a Dooray command, ignoring unknown fields and keeping Korean text intact", () => {
    const result = parseCommand(JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘 🚀", cmdToken: "x", userName: "홍길동" })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.command.text).toBe("이번 주 배포 체크리스트 정리해줘 🚀");
    expect(result.command).not.toHaveProperty("cmdToken");
  });

  it("treats a missing or null text as empty", () => {
    const { text: _ignored, ...withoutText } = commandPayload({});
    expect(parseCommand(JSON.stringify(withoutText))).toMatchObject({ ok: true, command: { text: "" } });
    expect(parseCommand(JSON.stringify(commandPayload({ text: null })))).toMatchObject({ ok: true, command: { text: "" } });
  });

  it.each([
    ["not JSON", "{"],
    ["an array", "[]"],
    ["a string", '"hi"'],
    ["null", "null"],
  ])("refuses %s as malformed", (_label, body) => {
    expect(parseCommand(body)).toMatchObject({ ok: false, problem: "malformed" });
  });

  it.each([
    ["missing", { appToken: undefined }],
    ["empty", { appToken: "" }],
    ["a number", { appToken: 42 }],
  ])("refuses an appToken that is %s as unauthorized, before looking at the rest", (_label, override) => {
    expect(parseCommand(JSON.stringify(commandPayload({ ...override, tenantId: 7 })))).toMatchObject({ ok: false, problem: "unauthorized" });
  });

  it.each(["tenantId", "channelId", "userId", "command", "responseUrl"])("refuses a command without %s, naming it", (field) => {
    const result = parseCommand(JSON.stringify(commandPayload({ [field]: undefined })));
    expect(result).toMatchObject({ ok: false, problem: "malformed" });
    expect(!result.ok && result.reason).toContain(field);
  });

  it.each([
    ["tenantId", 123],
    ["text", { a: 1 }],
    ["responseUrl", ["https://x.dooray.com"]],
    ["triggerId", false],
  ])("refuses a mistyped %s", (field, value) => {
    expect(parseCommand(JSON.stringify(commandPayload({ [field]: value })))).toMatchObject({ ok: false, problem: "malformed" });
  });
});
