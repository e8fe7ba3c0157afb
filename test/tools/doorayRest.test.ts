import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../handler/net/httpRequest.js";
import { DOORAY_MAX_ATTEMPTS, DoorayApiError, doorayRest, parseKeepingIds, rateLimitWaitMs, type Requester } from "../../handler/tools/doorayRest.js";

/** The Dooray REST client against scripted answers: what it sends, how it reads, how it fails. */
const envelope = (result: unknown, extra = "") =>
  `{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":""},"result":${JSON.stringify(result)}${extra}}`;

function scripted(answers: Partial<HttpResponse>[]): {
  request: Requester;
  sent: { url: string; method: string | undefined; headers: Record<string, string>; body: string | undefined }[];
} {
  const sent: { url: string; method: string | undefined; headers: Record<string, string>; body: string | undefined }[] = [];
  return {
    sent,
    request: async (url, body, options) => {
      sent.push({ url: url.toString(), method: options.method, headers: { ...options.headers }, body });
      const next = answers.shift() ?? { status: 200, body: envelope(null) };
      return { status: 200, headers: {}, body: "", truncated: false, ...next };
    },
  };
}

describe("Dooray's REST API client", () => {
  const later = () => Date.now() + 30_000;

  it("sends the token as Dooray asks, reads the envelope, and keeps 19-digit ids exact even when sent bare", async () => {
    const { request, sent } = scripted([{ body: envelope([], ',"totalCount":"1"').replace("[]", '[{"id":3570526358279082001,"subject":"배포"}]') }]);
    const rest = doorayRest("https://api.dooray.com", "t0ken", later(), request);
    const list = await rest.list<{ id: string }>("project/v1/projects/1/posts", { subjects: "배포 체크", size: 10, order: undefined });
    expect(list).toEqual({ items: [{ id: "3570526358279082001", subject: "배포" }], totalCount: 1 });
    expect(sent).toEqual([
      {
        url: "https://api.dooray.com/project/v1/projects/1/posts?subjects=%EB%B0%B0%ED%8F%AC+%EC%B2%B4%ED%81%AC&size=10",
        method: "GET",
        headers: { authorization: "dooray-api t0ken", accept: "application/json" },
        body: undefined,
      },
    ]);
    expect(parseKeepingIds('{"a":12,"b":1.5,"c":3570526358279082001}')).toEqual({ a: 12, b: 1.5, c: "3570526358279082001" });
  });

  it.each([
    [401, "tokenRejected"],
    [403, "forbidden"],
    [404, "notFound"],
    [400, "badRequest"],
    [500, "unavailable"],
  ] as const)("names HTTP %i as %s, keeping Dooray's message for the person only", async (status, failure) => {
    const { request } = scripted([
      { status, body: '{"header":{"isSuccessful":false,"resultCode":-1,"resultMessage":"%ED%95%84%EC%88%98+%ED%83%9C%EA%B7%B8"},"result":null}' },
    ]);
    const error = await doorayRest("https://api.dooray.com", "t0ken", later(), request)
      .get("x")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DoorayApiError);
    expect(error).toMatchObject({ failure, status, doorayMessage: "필수 태그" });
    expect(JSON.stringify(error)).toBe(`{"name":"DoorayApiError","failure":"${failure}","status":${status}}`);
    expect((error as Error).message).not.toContain("필수");
  });

  it("waits out a 429 for the tokens its headers say are missing, and gives up after its tries or when the deadline would pass", async () => {
    expect(rateLimitWaitMs({ "x-ratelimit-remaining": "0", "x-ratelimit-requested-tokens": "1", "x-ratelimit-replenish-rate": "5" })).toBe(1_000);
    expect(rateLimitWaitMs({ "x-ratelimit-remaining": "0", "x-ratelimit-requested-tokens": "12", "x-ratelimit-replenish-rate": "5" })).toBe(3_000);
    expect(rateLimitWaitMs({})).toBe(1_000);
    const limited = {
      status: 429,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-requested-tokens": "1", "x-ratelimit-replenish-rate": "5" },
      body: "",
    };
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const once = scripted([limited, { body: envelope({ id: "1" }) }]);
    expect(await doorayRest("https://api.dooray.com", "t", later(), once.request, sleep).get("x")).toEqual({ id: "1" });
    expect(waits).toEqual([1_000]);
    const always = scripted(Array.from({ length: 10 }, () => limited));
    await expect(doorayRest("https://api.dooray.com", "t", later(), always.request, sleep).get("x")).rejects.toMatchObject({ failure: "rateLimited" });
    expect(always.sent).toHaveLength(DOORAY_MAX_ATTEMPTS);
    const soon = scripted([limited, { body: envelope({}) }]);
    await expect(doorayRest("https://api.dooray.com", "t", Date.now() + 1_500, soon.request, sleep).get("x")).rejects.toMatchObject({ failure: "rateLimited" });
    expect(soon.sent).toHaveLength(1);
  });

  it("posts JSON and bounds each call by the deadline", async () => {
    const { request, sent } = scripted([{ body: envelope({ id: "9" }) }]);
    expect(await doorayRest("https://api.dooray.com/", "t", later(), request).post("project/v1/projects/1/posts", { subject: "s" })).toEqual({ id: "9" });
    expect(sent[0]).toMatchObject({ method: "POST", body: '{"subject":"s"}', headers: { "content-type": "application/json" } });
    await expect(doorayRest("https://api.dooray.com", "t", Date.now() - 1, request).get("x")).rejects.toMatchObject({ failure: "unavailable" });
  });
});
