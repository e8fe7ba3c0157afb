import { createHmac } from "node:crypto";

const keys = new Map<string, Buffer>();

/**
 * A key of its own per purpose (jobs, buttons' references, dialogs), derived from the app token once per token, so a
 * leaked signature says nothing about the token or about the other purpose's signatures.
 */
export function signingKey(appToken: string, purpose: string): Buffer {
  const cacheKey = `${purpose}\u0000${appToken}`;
  let key = keys.get(cacheKey);
  if (!key) {
    // Two live tokens during a rotation, three purposes; never more than a few.
    if (keys.size >= 8) keys.clear();
    key = createHmac("sha256", appToken).update(purpose).digest();
    keys.set(cacheKey, key);
  }
  return key;
}
