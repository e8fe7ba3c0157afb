import { describe, expect, it } from "vitest";
import { formatSpend, spendOf } from "../../stacks/ops/spendCeilings.js";
import { OPENAI_ENDPOINT, SEOUL_ENDPOINT } from "../support/sampleEndpoints.js";

/** The worker's settings as the plan shows them: the sample dev's budgets and default model. */
const worker = (extra: Record<string, string> = {}) => ({
  BOT_MODEL: "gpt-4.1-mini",
  MODEL_PRICE_OUTPUT_PER_MTOK: "1.6",
  BUDGET_USER_DAILY_TOKENS: "50000",
  BUDGET_CHANNEL_DAILY_TOKENS: "500000",
  ...extra,
});
const rate = { krwPerUsd: 1450, rateDate: "2026-12-01" };

describe("the reviewer's spend ceilings", () => {
  it("prices each channel at its own model: its modelPrice, else ⚠ price unknown (never the default model's price)", () => {
    const profiles = {
      "2222222222222222222": { name: "잡담", model: "gpt-4.1-nano", budgets: { userDailyTokens: 20000 } },
      "1111111111111111111": { name: "코드 리뷰", model: "gpt-4.1", modelPrice: { inputPerMillionTokens: 2, outputPerMillionTokens: 8 } },
    };
    const lines = formatSpend(spendOf(worker({ CHANNEL_PROFILES: JSON.stringify(profiles) }), undefined)!);
    expect(lines).toContain("    by default: ≤ $0.08 per person, ≤ $0.80 per channel, at $1.6 per million output tokens");
    expect(lines).toContain(
      "    channel 2222222222222222222 (잡담): ≤ 20,000 tokens (no price) per person, ≤ 500,000 tokens (no price) per channel, ⚠ price unknown for gpt-4.1-nano: set modelPrice (or the endpoint's price)",
    );
    expect(lines).toContain("    channel 1111111111111111111 (코드 리뷰): ≤ $0.40 per person, ≤ $4.00 per channel, at $8 per million output tokens");
    expect(lines[0]).toContain("set costs.krwPerUsd and costs.rateDate for amounts in won");
  });

  it("in won at the settings' rate, with its date; the whole bot's ceiling at the dearest route when budgets.totalDailyTokens is set", () => {
    const lines = formatSpend(spendOf(worker({ BUDGET_TOTAL_DAILY_TOKENS: "10000000" }), rate)!);
    expect(lines[0]).toContain("₩ at 1,450 per USD on 2026-12-01");
    expect(lines).toContain("    by default: ≤ $0.08 (≈ ₩116) per person, ≤ $0.80 (≈ ₩1,160) per channel, at $1.6 per million output tokens");
    expect(lines.at(-1)).toBe(
      "    the whole bot: ≤ $16.00 (≈ ₩23,200) a day (budgets.totalDailyTokens 10,000,000, at the dearest route's price), refused at the limit like the others",
    );
    expect(formatSpend(spendOf(worker(), rate)!).at(-1)).toContain("⚠ the whole bot has no daily total");
  });

  it("a route of endpoints costs at its dearest endpoint; one without a price is named", () => {
    const endpoints = [SEOUL_ENDPOINT, OPENAI_ENDPOINT];
    const profiles = { "4444444444444444444": { name: "잡담", endpoints: ["openai"] } };
    const spend = spendOf(worker({ MODEL_ENDPOINTS: JSON.stringify(endpoints), CHANNEL_PROFILES: JSON.stringify(profiles) }), undefined)!;
    expect(spend.routes[0]).toMatchObject({ pricePerMillion: undefined, unpriced: ["openai.gpt-oss-120b-1:0"] });
    expect(spend.routes[1]).toMatchObject({ channelId: "4444444444444444444", pricePerMillion: 1.6 });
    const priced = spendOf(
      worker({ MODEL_ENDPOINTS: JSON.stringify([{ ...endpoints[0], price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } }, endpoints[1]]) }),
      undefined,
    )!;
    expect(priced.routes[0]!.pricePerMillion).toBe(1.6);
  });
});
