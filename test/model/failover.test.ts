import { describe, expect, it } from "vitest";
import { attemptOrder, cooldownFrom, failoverDecision } from "../../handler/model/failover.js";

class APIConnectionError extends Error {}
class APIConnectionTimeoutError extends Error {}
const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers(headers) });

describe("failoverDecision: which failures another endpoint could mend", () => {
  it.each([
    [429, "overloaded", 30],
    [500, "overloaded", 30],
    [503, "overloaded", 30],
    [401, "misconfigured", 300],
    [403, "misconfigured", 300],
    [404, "misconfigured", 300],
  ])("%i fails over (%s, %i s)", (status, reason, cooldownSeconds) => {
    expect(failoverDecision(httpError(status), false)).toEqual({ failover: true, reason, cooldownSeconds });
  });

  it("a refused connection and a start that took too long fail over", () => {
    expect(failoverDecision(new APIConnectionError("refused"), false)).toMatchObject({ failover: true, reason: "unreachable" });
    expect(failoverDecision(new APIConnectionTimeoutError("slow"), false)).toMatchObject({ failover: true, reason: "slow" });
  });

  it("400 (context length, content filter, a field) and our own deadline never do", () => {
    expect(failoverDecision(httpError(400), false)).toEqual({ failover: false });
    expect(failoverDecision(httpError(422), false)).toEqual({ failover: false });
    expect(failoverDecision(httpError(503), true)).toEqual({ failover: false });
    expect(failoverDecision(new Error("a stream that broke"), false)).toEqual({ failover: false });
  });
});

describe("cooldownFrom: Retry-After, clamped to 5–60 s, else 30 s", () => {
  it.each([
    [{}, 30],
    [{ "retry-after": "7" }, 7],
    [{ "retry-after": "1" }, 5],
    [{ "retry-after": "3600" }, 60],
    [{ "retry-after-ms": "12500" }, 13],
    [{ "retry-after": "soon" }, 30],
  ])("%j → %i s", (headers, seconds) => {
    expect(cooldownFrom(new Headers(headers))).toBe(seconds);
  });

  it("an HTTP date counts from now", () => {
    const now = Date.parse("2026-12-05T12:00:00Z");
    expect(cooldownFrom(new Headers({ "retry-after": "Sat, 05 Dec 2026 12:00:20 GMT" }), now)).toBe(20);
  });
});

describe("attemptOrder", () => {
  const endpoints = [{ name: "a" }, { name: "b" }, { name: "c" }];
  it("keeps the listed order while none cools down", () => {
    expect(attemptOrder(endpoints, new Map(), 1_000).map((endpoint) => endpoint.name)).toEqual(["a", "b", "c"]);
  });
  it("puts cooling endpoints last, soonest free first; an ended cooldown counts for nothing", () => {
    const until = new Map([
      ["a", 9_000],
      ["b", 5_000],
      ["c", 500],
    ]);
    expect(attemptOrder(endpoints, until, 1_000).map((endpoint) => endpoint.name)).toEqual(["c", "b", "a"]);
  });
  it("when every endpoint cools down, the one that frees up soonest goes first", () => {
    const until = new Map([
      ["a", 9_000],
      ["b", 5_000],
      ["c", 7_000],
    ]);
    expect(attemptOrder(endpoints, until, 1_000)[0]!.name).toBe("b");
  });
});
