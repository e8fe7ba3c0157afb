import { describe, expect, it } from "vitest";
import { API_KEY, APP_TOKEN, finalPosts, startHarness } from "../support/harness.js";

describe("secrets and prompts stay out of logs and answers", () => {
  it("never writes the app token, the API key or the question to a log line or a response", async () => {
    const h = await startHarness();
    const question = "극비 질문: 다음 분기 매출 목표 canary-prompt-31337";
    const bodies: string[] = [];
    try {
      const ok = await h.command(question);
      bodies.push(JSON.stringify(ok.body));
      const wrong = await h.command("질문", { appToken: `${APP_TOKEN}x` });
      bodies.push(JSON.stringify(wrong.body));
      const failing = await h.command(`[[status:401]] ${question}`);
      bodies.push(JSON.stringify(failing.body));
      await h.dooray.waitFor(ok.hookId, (found) => finalPosts(found).length === 1);
      await h.dev.idle();
    } finally {
      await h.close();
    }
    const events = h.logs.map((line) => JSON.parse(line) as { event: string });
    expect(events.map((entry) => entry.event)).toEqual(
      expect.arrayContaining(["request.accepted", "request.refused", "job.started", "job.finished", "job.modelError"]),
    );
    for (const text of [...h.logs, ...bodies]) {
      expect(text).not.toContain(APP_TOKEN);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain("canary-prompt-31337");
    }
  });

  it("keeps questions, answers and button values out of the logs through share, regenerate and a follow-up", async () => {
    const h = await startHarness();
    try {
      const asked = await h.command("canary-prompt-31337 첫 질문");
      const [answer] = finalPosts(await h.dooray.waitFor(asked.hookId, (found) => finalPosts(found).length === 1));
      await h.dev.idle();
      const values = Object.fromEntries(answer!.body.attachments![0]!.actions!.map((action) => [action.name, action.value]));
      await h.press(values.share!);
      const again = h.dooray.newResponseUrl();
      await h.press(values.regenerate!, { responseUrl: again.responseUrl });
      await h.dooray.waitFor(again.hookId, (found) => finalPosts(found).length === 1);
      await h.press(values.followUp!);
      const next = h.dooray.newResponseUrl();
      await h.submitDialog(h.dooray.dialogs.at(-1)!.body.callbackId, "canary-followup-27182 이어서", { responseUrl: next.responseUrl });
      await h.dooray.waitFor(next.hookId, (found) => finalPosts(found).length === 1);
      await h.dev.idle();
      const events = h.logs.map((line) => (JSON.parse(line) as { event: string }).event);
      expect(events).toEqual(expect.arrayContaining(["press.accepted", "press.shared", "request.accepted", "job.finished"]));
      for (const line of h.logs) {
        for (const secret of ["canary-prompt-31337", "canary-followup-27182", APP_TOKEN, API_KEY, ...Object.values(values)]) expect(line).not.toContain(secret);
      }
    } finally {
      await h.close();
    }
  });

  it("logs a model error's class, status and code, never the provider's message (it may echo the prompt or the key)", async () => {
    const h = await startHarness({ OPENAI_API_KEY: "sk-wrong-key-canary-q7z9" });
    const echoing = await startHarness();
    try {
      const refused = await h.command("canary-prompt-31337 키가 틀렸을 때");
      await h.dooray.waitFor(refused.hookId, (found) => found.length === 1);
      const echoed = await echoing.command("[[echo:400]] canary-prompt-31337 되돌려 보내는 오류");
      await echoing.dooray.waitFor(echoed.hookId, (found) => found.length === 1);
      await Promise.all([h.dev.idle(), echoing.dev.idle()]);
    } finally {
      await Promise.all([h.close(), echoing.close()]);
    }
    const logs = [...h.logs, ...echoing.logs];
    const modelErrors = logs.map((line) => JSON.parse(line)).filter((entry) => entry.event === "job.modelError");
    expect(modelErrors.map((entry) => entry.error)).toEqual([
      { class: "AuthenticationError", status: 401, code: "invalid_api_key", type: "invalid_request_error" },
      { class: "BadRequestError", status: 400, code: "bad_request", type: "invalid_request_error" },
    ]);
    for (const line of logs) {
      expect(line).not.toContain("canary-prompt-31337");
      expect(line).not.toContain("q7z9");
    }
  });

  it("logs the question and answer only when LOG_PROMPTS=1", async () => {
    const h = await startHarness({ LOG_PROMPTS: "1" });
    try {
      const { hookId } = await h.command("canary-prompt-31337");
      await h.dooray.waitFor(hookId, (found) => finalPosts(found).length === 1);
      await h.dev.idle();
    } finally {
      await h.close();
    }
    expect(h.logs.filter((line) => line.includes("canary-prompt-31337")).length).toBeGreaterThanOrEqual(2);
    for (const line of h.logs) expect(line).not.toContain(API_KEY);
  });
});
