import { describe, expect, it } from "vitest";
import { ConfigError } from "../../handler/config.js";
import { bedrockRegionOf, parseModelEndpoints, routeFor, unlistedEndpoint } from "../../handler/model/endpoints.js";
import { readModelRouting } from "../../handler/model/modelRouting.js";
import { OPENAI_ENDPOINT, SEOUL_ENDPOINT } from "../support/sampleEndpoints.js";

const strict = { inlineKeys: false, at: "modelEndpoints", strictResidency: true };
const seoul = SEOUL_ENDPOINT;
const { price: _price, ...openai } = OPENAI_ENDPOINT;

describe("parseModelEndpoints", () => {
  it("takes an ordered list, apiKey by default", () => {
    expect(parseModelEndpoints([seoul, openai], strict)).toEqual([
      { ...seoul, residency: "kr", auth: "aws" },
      { ...openai, auth: "apiKey" },
    ]);
  });

  it.each([
    [[{ ...openai, apiKey: "sk-x" }], /modelEndpoints\[0\]\.apiKey: a key never goes in the settings/],
    [[openai, { ...openai }], /modelEndpoints\[1\]\.name: "openai" is named twice/],
    [[{ ...openai, residency: "korea" }], /residency: expected "kr"/],
    [[{ ...seoul, baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1" }], /"kr", but us-east-1 is not Seoul/],
    [[{ ...seoul, model: "apac.anthropic.claude-sonnet-4-20250514-v1:0" }], /cross-region inference profile/],
    [[{ ...openai, auth: "aws" }], /auth "aws" signs for Amazon Bedrock/],
    [[{ ...openai, baseUrl: "http://api.openai.com/v1" }], /baseUrl: expected an https URL/],
    [[], /a list of 1 to 5 endpoints/],
  ])("refuses %j", (raw, message) => {
    expect(() => parseModelEndpoints(raw, strict)).toThrow(message);
  });

  it("locally takes an inline key and a loopback http URL", () => {
    const [local] = parseModelEndpoints([{ ...openai, baseUrl: "http://127.0.0.1:8080/v1", apiKey: "sk-local" }], {
      ...strict,
      inlineKeys: true,
      strictResidency: false,
    });
    expect(local).toMatchObject({ apiKey: "sk-local", baseUrl: "http://127.0.0.1:8080/v1" });
  });

  it("reads a Bedrock region from the host only", () => {
    expect(bedrockRegionOf(seoul.baseUrl)).toBe("ap-northeast-2");
    expect(bedrockRegionOf("https://bedrock-runtime.ap-northeast-2.amazonaws.com.evil.example/openai/v1")).toBeUndefined();
  });
});

describe("routeFor: where one channel's questions may go", () => {
  const listed = parseModelEndpoints([openai, seoul], strict);
  const unlisted = unlistedEndpoint(undefined, "gpt-4.1-mini");
  it("every listed endpoint in order by default; the unlisted default without a list", () => {
    expect(routeFor(listed, unlisted, undefined, undefined).endpoints.map((endpoint) => endpoint.name)).toEqual(["openai", "bedrock-seoul"]);
    expect(routeFor([], unlisted, undefined, undefined).endpoints).toEqual([unlisted]);
  });
  it("a channel's own order, and kr keeps only kr endpoints (counting those it left out)", () => {
    expect(routeFor(listed, unlisted, { endpoints: ["bedrock-seoul", "openai"] }, undefined).endpoints.map((endpoint) => endpoint.name)).toEqual([
      "bedrock-seoul",
      "openai",
    ]);
    expect(routeFor(listed, unlisted, { residency: "kr" }, undefined)).toMatchObject({
      residency: "kr",
      excluded: 1,
      endpoints: [expect.objectContaining({ name: "bedrock-seoul" })],
    });
    expect(routeFor(listed, unlisted, undefined, "kr").excluded).toBe(1);
    expect(routeFor(listed, unlisted, { residency: "global" }, "kr").excluded).toBe(0);
  });
  it("the unlisted default is global: a kr channel without a list has nowhere to go", () => {
    expect(routeFor([], unlisted, { residency: "kr" }, undefined).endpoints).toEqual([]);
  });
});

describe("readModelRouting: the worker's MODEL_ENDPOINTS and MODEL_RESIDENCY", () => {
  it("reads none as none, and a list with an inline key for local use", () => {
    expect(readModelRouting({})).toEqual({ modelEndpoints: [], modelResidency: undefined });
    const routing = readModelRouting({ MODEL_ENDPOINTS: JSON.stringify([{ ...openai, apiKey: "sk-local" }]), MODEL_RESIDENCY: "kr" });
    expect(routing).toMatchObject({ modelEndpoints: [{ name: "openai", apiKey: "sk-local" }], modelResidency: "kr" });
  });
  it.each([
    [{ MODEL_ENDPOINTS: "[{" }, "MODEL_ENDPOINTS: expected JSON: a list of endpoints"],
    [{ MODEL_ENDPOINTS: JSON.stringify([{ ...openai, residency: "seoul" }]) }, 'MODEL_ENDPOINTS: [0].residency: expected "kr"'],
    [{ MODEL_RESIDENCY: "korea" }, 'MODEL_RESIDENCY: expected kr or global, got "korea"'],
  ])("refuses %j with a ConfigError naming the variable", (env, message) => {
    expect(() => readModelRouting(env)).toThrowError(ConfigError);
    expect(() => readModelRouting(env)).toThrowError(message);
  });
});
