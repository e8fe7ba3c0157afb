import { describe, expect, it } from "vitest";
import { RecentJobIds } from "../../handler/job/recentJobIds.js";

describe("RecentJobIds", () => {
  it("says yes the first time, no for a repeat, and forgets the oldest past its size", () => {
    const recent = new RecentJobIds(2);
    expect([recent.firstTime("a"), recent.firstTime("a"), recent.firstTime("b"), recent.firstTime("c")]).toEqual([true, false, true, true]);
    // "a" was the oldest of three: forgotten; "c" is remembered.
    expect([recent.firstTime("a"), recent.firstTime("c")]).toEqual([true, false]);
  });
});
