import type { BotConfig } from "./config.js";
import { redact } from "./log.js";

/** Where the edge and the worker get their secrets. */
export interface Secrets {
  /** The app token requests must carry: the current one only (a rotated-out token must stop working). */
  readonly appToken: () => Promise<string | undefined>;
  /**
   * Tokens a job's signature may have been made with: the current one, then the previous one (Secrets Manager's
   * AWSPREVIOUS), so a rotation drops no job signed just before it. `fresh` re-reads them, at most once a minute.
   */
  readonly jobTokens: (options?: { fresh?: boolean }) => Promise<string[]>;
  readonly openaiApiKey: () => Promise<string | undefined>;
  /** A listed model endpoint's key, from its own secret (docs/operations.md, "Model endpoints"). */
  readonly modelKey: (secretId: string) => Promise<string | undefined>;
  /** The Dooray bot account's API token, for the channels' tools; undefined when none is set. */
  readonly doorayApiToken: () => Promise<string | undefined>;
}

export type VersionStage = "AWSCURRENT" | "AWSPREVIOUS";
export type SecretReader = (secretId: string, stage: VersionStage) => Promise<string | undefined>;

/** How long a value read from Secrets Manager is reused; a rotated secret is picked up within this time. */
export const SECRET_MAX_AGE_MS = 5 * 60 * 1000;
/** A forced re-read (a job signed with a token we do not have yet) happens at most this often per secret. */
export const FRESH_READ_MIN_INTERVAL_MS = 60 * 1000;

const cache = new Map<string, { value: Promise<string | undefined>; expiresAt: number }>();
const lastFreshRead = new Map<string, number>();

export function clearSecretCache(): void {
  cache.clear();
  lastFreshRead.clear();
}

/**
 * In AWS the secret ids are set and the values come from Secrets Manager, cached per container with a max age;
 * locally the values come straight from the environment (DOORAY_APP_TOKEN_PREVIOUS plays AWSPREVIOUS). Values are
 * trimmed the same way in both, and each is registered for redaction in the logs.
 */
export function secretsFor(config: BotConfig, read: () => Promise<SecretReader>, now: () => number = Date.now): Secrets {
  const fromStore = async (id: string, stage: VersionStage) => {
    // Trimmed like the local values: a value pasted with a trailing newline must not lock everyone out.
    const value = await cached(`${id}#${stage}`, async () => (await (await read())(id, stage))?.trim() || undefined, now);
    redact(value);
    return value;
  };
  const local = (value: string | undefined) => {
    redact(value);
    return value;
  };
  const tokenId = config.appTokenSecretId;
  return {
    appToken: async () => (tokenId ? fromStore(tokenId, "AWSCURRENT") : local(config.localAppToken)),
    async jobTokens(options = {}) {
      if (!tokenId) return [config.localAppToken, config.localPreviousAppToken].filter((token): token is string => Boolean(local(token)));
      if (options.fresh && now() - (lastFreshRead.get(tokenId) ?? -Infinity) >= FRESH_READ_MIN_INTERVAL_MS) {
        lastFreshRead.set(tokenId, now());
        cache.delete(`${tokenId}#AWSCURRENT`);
        cache.delete(`${tokenId}#AWSPREVIOUS`);
      }
      const [current, previous] = await Promise.all([fromStore(tokenId, "AWSCURRENT"), fromStore(tokenId, "AWSPREVIOUS")]);
      return [current, previous].filter((token): token is string => Boolean(token));
    },
    openaiApiKey: async () => (config.openaiApiKeySecretId ? fromStore(config.openaiApiKeySecretId, "AWSCURRENT") : local(config.localOpenaiApiKey)),
    modelKey: (secretId) => fromStore(secretId, "AWSCURRENT"),
    doorayApiToken: async () => (config.doorayApiTokenSecretId ? fromStore(config.doorayApiTokenSecretId, "AWSCURRENT") : local(config.localDoorayApiToken)),
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
