import { describe, expect, it } from "vitest";
import { verifyAppToken } from "../../handler/edge/verifyAppToken.js";

describe("verifyAppToken", () => {
  it("accepts exactly the expected token", () => {
    expect(verifyAppToken("a1b2c3d4-token", "a1b2c3d4-token")).toBe(true);
  });
  it.each([
    ["a different token", "a1b2c3d4-tokem"],
    ["a prefix", "a1b2c3d4"],
    ["a longer token", "a1b2c3d4-token-and-more"],
    ["different case", "A1B2C3D4-TOKEN"],
    ["empty", ""],
  ])("refuses %s", (_label, presented) => {
    expect(verifyAppToken(presented, "a1b2c3d4-token")).toBe(false);
  });
  it("refuses everything when no token is configured", () => {
    expect(verifyAppToken("", undefined)).toBe(false);
    expect(verifyAppToken("anything", "")).toBe(false);
  });
});
