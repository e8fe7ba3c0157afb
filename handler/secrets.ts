import type { BotConfig } from "./config.js";
import { redact } from "./log.js";

/** Where the worker and the edge get their two secrets. */
export interface Secrets {
  readonly appToken: () => Promise<string | undefined>;
  readonly openaiApiKey: () => Promise<string | undefined>;
}

export type SecretReader = (secretId: string) => Promise<string | undefined>;

/** How long a value read from Secrets Manager is reused; a rotated secret is picked up within this time. */
export const SECRET_MAX_AGE_MS = 5 * 60 * 1000;

const cache = new Map<string, { value: Promise<string | undefined>; expiresAt: number }>();

export function clearSecretCache(): void {
  cache.clear();
}

/**
 * In AWS the ARNs are set and the values come from Secrets Manager, cached per container; locally the values come
 * straight from the environment. Either way each value is registered for redaction in the logs.
 */
export function secretsFor(config: BotConfig, read: () => Promise<SecretReader>, now: () => number = Date.now): Secrets {
  const fromArnOrLocal = (arn: string | undefined, local: string | undefined) => async () => {
    if (!arn) {
      redact(local);
      return local;
    }
    // Trimmed like the local values: a value pasted with a trailing newline must not lock everyone out.
    const value = await cached(arn, async () => (await (await read())(arn))?.trim() || undefined, now);
    redact(value);
    return value;
  };
  return {
    appToken: fromArnOrLocal(config.appTokenSecretId, config.localAppToken),
    openaiApiKey: fromArnOrLocal(config.openaiApiKeySecretId, config.localOpenaiApiKey),
  };
}

function cached(key: string, load: () => Promise<string | undefined>, now: () => number): Promise<string | undefined> {
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now()) return hit.value;
  // Concurrent callers share one request; a failure is not cached.
  const value = load();
  cache.set(key, { value, expiresAt: now() + SECRET_MAX_AGE_MS });
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}
