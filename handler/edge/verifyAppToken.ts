import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison of the token a request carries with the expected one. Both sides are hashed first, so
 * the comparison takes the same time whatever the lengths and leaks neither length nor prefix.
 */
export function verifyAppToken(presented: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
