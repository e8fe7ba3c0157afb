import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MODEL, readConfig } from "../handler/config.js";

describe("readConfig", () => {
  it("has safe defaults: Dooray hosts only, https only, any tenant", () => {
    const config = readConfig({});
    expect(config).toMatchObject({ model: DEFAULT_MODEL, responseUrlHosts: ["*.dooray.com"], allowInsecureResponseUrl: false, tenantIds: [] });
    expect(config.localAppToken).toBeUndefined();
  });

  it("reads lists and numbers", () => {
    const config = readConfig({ DOORAY_TENANT_IDS: " 1, 2 ,,3", RESPONSE_URL_HOSTS: "*.dooray.com, hook.example.co.kr", MODEL_TIMEOUT_MS: "5000" });
    expect(config.tenantIds).toEqual(["1", "2", "3"]);
    expect(config.responseUrlHosts).toEqual(["*.dooray.com", "hook.example.co.kr"]);
    expect(config.modelTimeoutMs).toBe(5000);
  });

  it.each([
    ["RESPONSE_URL_HOSTS", "*"],
    ["RESPONSE_URL_HOSTS", "*.com.*"],
    ["RESPONSE_URL_HOSTS", "https://guide.dooray.com"],
    ["MODEL_TIMEOUT_MS", "fast"],
    ["MODEL_TIMEOUT_MS", "10"],
    ["ALLOW_INSECURE_RESPONSE_URL", "yes"],
    ["OPENAI_BASE_URL", "localhost:1234"],
  ])("names the variable when %s=%j is invalid", (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrowError(new RegExp(`^${name}: `));
  });
});

describe("the function environment: written by the stack, read by the functions, under one set of names", () => {
  it("what functionEnvironment writes, readConfig reads back as the same values", async () => {
    const { functionEnvironment } = await import("../handler/functionEnvironment.js");
    const written = functionEnvironment({
      model: "gpt-4.1",
      tenantIds: ["111", "222"],
      responseUrlHosts: ["*.dooray.com"],
      userDailyTokens: 50_000,
      totalDailyTokens: 1_000_000,
      modelStreamUsage: false,
      channelProfiles: { "1234": { name: "리뷰" } },
      priceCachedInput: 0.25,
      jobMaxAgeSeconds: 360,
      openaiBaseUrl: undefined,
    });
    expect(written).not.toHaveProperty("OPENAI_BASE_URL");
    const config = readConfig(written);
    expect(config).toMatchObject({
      model: "gpt-4.1",
      tenantIds: ["111", "222"],
      responseUrlHosts: ["*.dooray.com"],
      budgets: { user: 50_000, channel: 0, total: 1_000_000 },
      modelStreamUsage: false,
      channelProfiles: { "1234": { name: "리뷰" } },
      pricePerMillionTokens: { cachedInput: 0.25 },
      jobMaxAgeSeconds: 360,
      openaiBaseUrl: undefined,
    });
  });
});
