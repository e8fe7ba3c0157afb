import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL, DEFAULT_SYSTEM_PROMPT } from "../../handler/config.js";
import { messages } from "../../handler/dooray/messages.js";
import { CHANNEL_ID, finalPosts, startHarness, type Harness } from "../support/harness.js";

const REVIEW_PROMPT = "You are a strict code reviewer. 버그와 위험부터 짚어 주세요.";

/** A channel's own name, system prompt, model and budgets, from CHANNEL_PROFILES (docs/architecture.md, "Channel profiles"). */
describe("channel profiles", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      CHANNEL_PROFILES: JSON.stringify({
        [CHANNEL_ID]: { name: "코드 리뷰", systemPrompt: REVIEW_PROMPT, model: "gpt-4.1", budgets: { channelDailyTokens: 900000 } },
      }),
      BUDGET_CHANNEL_DAILY_TOKENS: "50000",
    });
  });
  // Each test\'s jobs finish (their closing log lines written) before the next test starts.
  afterEach(() => h.dev.idle());
  afterAll(() => h.close());

  const answered = async (overrides: Record<string, unknown> = {}) => {
    const { hookId } = await h.command("이 함수 리뷰해 줘", overrides);
    await h.dooray.waitFor(hookId, (posts) => finalPosts(posts).length === 1);
    return h.model.requests.at(-1)!.body;
  };

  it("gives the model the channel's model and system prompt", async () => {
    const request = await answered();
    expect(request.model).toBe("gpt-4.1");
    expect(request.messages[0]).toEqual({ role: "system", content: REVIEW_PROMPT });
  });

  it("leaves other channels on the bot's own model and prompt", async () => {
    const request = await answered({ channelId: "7777777777777777777" });
    expect(request.model).toBe(DEFAULT_MODEL);
    expect(request.messages[0]).toEqual({ role: "system", content: DEFAULT_SYSTEM_PROMPT });
  });

  it("names the profile in /gpt help in that channel only", async () => {
    expect((await h.command("help")).body.text).toBe(messages.helpWithProfile("코드 리뷰"));
    expect((await h.command("help", { channelId: "7777777777777777777" })).body.text).toBe(messages.help);
  });

  it("holds the channel to its own daily budget, as /gpt usage shows", async () => {
    await h.dev.idle();
    expect((await h.command("usage")).body.text).toContain(" / 900,000 토큰");
    expect((await h.command("usage", { channelId: "7777777777777777777" })).body.text).toContain(" / 50,000 토큰");
  });

  it("refuses a malformed CHANNEL_PROFILES at startup, naming the variable and the channel", async () => {
    await expect(startHarness({ CHANNEL_PROFILES: JSON.stringify({ "123": { name: "", model: "x" } }) })).rejects.toThrow(
      "CHANNEL_PROFILES: channel 123.name: expected text of 1 to 40 characters",
    );
    await expect(startHarness({ CHANNEL_PROFILES: "{not json" })).rejects.toThrow("CHANNEL_PROFILES: expected JSON");
  });
});
