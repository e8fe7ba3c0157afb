import { describe, expect, it } from "vitest";
import { newJob, signJob, verifyJob } from "../../handler/job/signedJob.js";

const TOKEN = "app-token-for-signing";
const NOW = 1_800_000_000_000;
const fields = {
  tenantId: "t1",
  channelId: "c1",
  userId: "u1",
  text: "배포 체크리스트",
  responseUrl: "https://guide.dooray.com/messenger/api/commands/hook/x",
};

describe("signed jobs", () => {
  it("verifies a job signed with the same token, within its age", () => {
    const job = signJob(newJob(fields, NOW), TOKEN);
    const result = verifyJob(JSON.parse(JSON.stringify(job)), [TOKEN], NOW + 5_000, 360);
    expect(result).toMatchObject({ ok: true, job: { ...fields, id: job.id, issuedAt: NOW } });
  });

  it("takes the request's own id when it has a usable one, a random UUID otherwise", () => {
    expect(newJob(fields, NOW, "c0ffee00-1234-4abc-8def-0123456789ab").id).toBe("c0ffee00-1234-4abc-8def-0123456789ab");
    for (const unusable of [undefined, "", "short", "has spaces in it", "x".repeat(65)]) {
      expect(newJob(fields, NOW, unusable).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("never carries the app token", () => {
    expect(JSON.stringify(signJob(newJob(fields, NOW), TOKEN))).not.toContain(TOKEN);
  });

  it.each([
    ["responseUrl", "https://evil.example/hook"],
    ["text", "다른 질문"],
    ["userId", "u2"],
    ["issuedAt", NOW + 1],
    ["id", "other"],
  ])("rejects a job whose %s was changed after signing", (field, value) => {
    const job = { ...signJob(newJob(fields, NOW), TOKEN), [field]: value };
    expect(verifyJob(job, [TOKEN], NOW, 360)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("signs a conversation's thread too: a job's kind, conversation or turn cannot be changed in transit", () => {
    const job = signJob({ ...newJob(fields, NOW), thread: { kind: "regenerate", conversationId: "conv-0123456789", turn: 2 } }, TOKEN);
    expect(verifyJob(JSON.parse(JSON.stringify(job)), [TOKEN], NOW, 360)).toMatchObject({
      ok: true,
      job: { thread: { kind: "regenerate", conversationId: "conv-0123456789", turn: 2 } },
    });
    for (const thread of [{ ...job.thread, turn: 1 }, { ...job.thread, kind: "followUp" }, { ...job.thread, conversationId: "conv-someone-else" }, undefined]) {
      expect(verifyJob({ ...job, thread }, [TOKEN], NOW, 360)).toMatchObject({ ok: false, reason: "bad signature" });
    }
    expect(verifyJob({ ...job, thread: { kind: "delete", conversationId: "x", turn: 0 } }, [TOKEN], NOW, 360)).toEqual({ ok: false, reason: "not a job" });
  });

  it("rejects a job signed with another token", () => {
    expect(verifyJob(signJob(newJob(fields, NOW), "another-token"), [TOKEN], NOW, 360)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("verifies a job signed with the previous token during a rotation, and with none of the given ones not at all", () => {
    const signedBefore = signJob(newJob(fields, NOW), "old-token");
    expect(verifyJob(signedBefore, [TOKEN, "old-token"], NOW, 360)).toMatchObject({ ok: true });
    expect(verifyJob(signedBefore, [TOKEN], NOW, 360)).toEqual({ ok: false, reason: "bad signature" });
    expect(verifyJob(signedBefore, [], NOW, 360)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("rejects a stale job and one from the future", () => {
    const job = signJob(newJob(fields, NOW), TOKEN);
    expect(verifyJob(job, [TOKEN], NOW + 361_000, 360)).toMatchObject({ ok: false, reason: "job too old", job: { id: job.id } });
    expect(verifyJob(job, [TOKEN], NOW - 61_000, 360)).toEqual({ ok: false, reason: "job from the future" });
  });

  it.each([null, 42, "job", {}, { type: "dooray-gpt/job@1" }, { ...fields, type: "dooray-gpt/job@1", issuedAt: "now", id: "x", signature: "y" }])(
    "rejects something that is not a job: %j",
    (event) => {
      expect(verifyJob(event, [TOKEN], NOW, 360)).toEqual({ ok: false, reason: "not a job" });
    },
  );
});
