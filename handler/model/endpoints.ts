/**
 * The model endpoints an environment may ask, in order (docs/operations.md, "Model endpoints"): each an
 * OpenAI-compatible Chat Completions API with its model, where it processes questions (`kr`: in Korea; `global`:
 * anywhere), how the worker authenticates, and its prices. The stack writes the list as MODEL_ENDPOINTS (secret ids,
 * never keys); locally MODEL_ENDPOINTS may hold a key inline. Parsed by the same function at synth and at start.
 */
import { ENDPOINT_NAME, RESIDENCIES, type Residency } from "./residency.js";

export { ENDPOINT_NAME, RESIDENCIES, type Residency };

/** apiKey: a Bearer key (its own secret in AWS); aws: the worker's own role, SigV4-signed (Amazon Bedrock). */
export type EndpointAuth = "apiKey" | "aws";

export interface EndpointPrice {
  readonly inputPerMillionTokens: number;
  readonly outputPerMillionTokens: number;
  /** Prompt tokens the endpoint served from its cache; the input price when absent. */
  readonly cachedInputPerMillionTokens?: number;
}

export interface ModelEndpoint {
  readonly name: string;
  /** The API base, up to `/v1` (`https://api.openai.com/v1`); undefined only for the unlisted default (the SDK's own: api.openai.com). */
  readonly baseUrl: string | undefined;
  readonly model: string;
  readonly residency: Residency;
  readonly auth: EndpointAuth;
  readonly price?: EndpointPrice;
  /** In AWS: the secret holding this endpoint's key (`dooray-gpt/<env>/model-key-<name>`). */
  readonly apiKeySecretId?: string;
  /** Locally only: the key itself. */
  readonly apiKey?: string;
  /** The environment's single endpoint of before lists (no MODEL_ENDPOINTS): its key is OPENAI_API_KEY's. */
  readonly unlisted?: true;
}

/** More would make one question wait on too many failures before it is told; each is tried once per call. */
export const MAX_MODEL_ENDPOINTS = 5;
const KEYS = ["name", "baseUrl", "model", "residency", "auth", "price", "apiKeySecretId", "apiKey"];
const PRICE_KEYS = ["inputPerMillionTokens", "outputPerMillionTokens", "cachedInputPerMillionTokens"];

/** Bedrock's OpenAI-compatible runtime endpoint: its region is in the host. */
const BEDROCK_HOST = /^bedrock-runtime\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com$/;
/**
 * Cross-region inference profiles route a prompt to whichever region of their geography has capacity (`apac.`
 * includes Tokyo, Sydney, Mumbai…; `global.` anywhere): never from a `kr` endpoint.
 */
const CROSS_REGION_PROFILE = /^(global|apac|us|eu|jp|au|ca|us-gov)\./;
export const SEOUL = "ap-northeast-2";

/** The region a Bedrock endpoint's URL names; undefined for any other host. */
export function bedrockRegionOf(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  try {
    return BEDROCK_HOST.exec(new URL(baseUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

export interface ParseOptions {
  /** Locally: an inline `apiKey` is allowed. In the stack's settings it never is (keys never enter Terraform). */
  readonly inlineKeys: boolean;
  /** Where the list was read, for messages (`MODEL_ENDPOINTS`, `environments.prod.modelEndpoints`). */
  readonly at: string;
  /** The stack checks what it can prove about a `kr` endpoint; a local list of loopback fakes is taken as declared. */
  readonly strictResidency: boolean;
}

/** Validates a list of endpoints; a problem throws an Error whose message names the entry and the field. */
export function parseModelEndpoints(raw: unknown, options: ParseOptions): ModelEndpoint[] {
  const { at } = options;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_MODEL_ENDPOINTS)
    throw new Error(`${at}: expected a list of 1 to ${MAX_MODEL_ENDPOINTS} endpoints, each {"name", "baseUrl", "model", "residency", "auth"}`);
  const names = new Set<string>();
  return raw.map((entry: unknown, index) => {
    const here = `${at}[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new Error(`${here}: expected an object with ${KEYS.slice(0, 5).join(", ")}`);
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !KEYS.includes(key) || (key === "apiKey" && !options.inlineKeys));
    if (unknown === "apiKey") throw new Error(`${here}.apiKey: a key never goes in the settings; write it with npm run secret -- put <env> model-key-<name>`);
    if (unknown) throw new Error(`${here}.${unknown}: unknown setting; allowed: ${KEYS.filter((key) => key !== "apiKey" || options.inlineKeys).join(", ")}`);
    const name = fields.name;
    if (typeof name !== "string" || !ENDPOINT_NAME.test(name))
      throw new Error(`${here}.name: expected 1 to 30 lower-case letters, digits or dashes, starting with a letter`);
    if (names.has(name)) throw new Error(`${here}.name: "${name}" is named twice`);
    names.add(name);
    const baseUrl = fields.baseUrl;
    if (typeof baseUrl !== "string" || !isHttpUrl(baseUrl, options.strictResidency))
      throw new Error(
        `${here}.baseUrl: expected ${options.strictResidency ? "an https" : "an http(s)"} URL of an OpenAI-compatible API, such as https://api.openai.com/v1`,
      );
    if (options.strictResidency && isLoopback(baseUrl)) throw new Error(`${here}.baseUrl: ${LOOPBACK_REFUSED}`);
    const model = fields.model;
    if (typeof model !== "string" || !/^\S{1,100}$/.test(model)) throw new Error(`${here}.model: expected a model name without spaces`);
    const residency = fields.residency;
    if (!RESIDENCIES.includes(residency as Residency)) throw new Error(`${here}.residency: expected "kr" (questions processed in Korea) or "global"`);
    const auth = fields.auth ?? "apiKey";
    if (auth !== "apiKey" && auth !== "aws")
      throw new Error(`${here}.auth: expected "apiKey" (a key in its own secret) or "aws" (the worker's role, for Amazon Bedrock)`);
    const region = bedrockRegionOf(baseUrl);
    if (auth === "aws" && options.strictResidency && region === undefined)
      throw new Error(`${here}.baseUrl: auth "aws" signs for Amazon Bedrock: expected https://bedrock-runtime.<region>.amazonaws.com/openai/v1`);
    if (residency === "kr" && options.strictResidency && region !== undefined && region !== SEOUL)
      throw new Error(`${here}.residency: "kr", but ${region} is not Seoul (${SEOUL})`);
    if (residency === "kr" && region !== undefined && CROSS_REGION_PROFILE.test(model))
      throw new Error(
        `${here}.model: "${model}" is a cross-region inference profile, which may process prompts outside Korea; name the model itself for a "kr" endpoint`,
      );
    const endpoint: { -readonly [K in keyof ModelEndpoint]: ModelEndpoint[K] } = {
      name,
      baseUrl: baseUrl.replace(/\/+$/, ""),
      model,
      residency: residency as Residency,
      auth,
    };
    if (fields.price !== undefined) endpoint.price = price(fields.price, `${here}.price`);
    for (const key of ["apiKeySecretId", "apiKey"] as const) {
      const value = fields[key];
      if (value === undefined) continue;
      if (typeof value !== "string" || value.trim() === "" || value.length > 2_048) throw new Error(`${here}.${key}: expected text`);
      if (auth === "aws") throw new Error(`${here}.${key}: auth "aws" uses the worker's role, not a key`);
      endpoint[key] = value.trim();
    }
    return endpoint;
  });
}

/** What synth says of a loopback endpoint: the local demo model, or any server on a laptop, cannot answer in AWS. */
export const LOOPBACK_REFUSED =
  "a loopback host (localhost, 127.0.0.1, ::1) is a local server, such as npm run dev's demo model, which never runs in AWS; name the endpoint the worker can reach";

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1" || host === "0.0.0.0";
  } catch {
    return false;
  }
}

function isHttpUrl(value: string, httpsOnly: boolean): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || (!httpsOnly && url.protocol === "http:");
  } catch {
    return false;
  }
}

function price(raw: unknown, at: string): EndpointPrice {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${at}: expected an object with ${PRICE_KEYS.join(", ")}`);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !PRICE_KEYS.includes(key));
  if (unknown) throw new Error(`${at}.${unknown}: unknown setting; allowed: ${PRICE_KEYS.join(", ")}`);
  const dollars = (key: string) => {
    const value = fields[key];
    if (typeof value !== "number" || !(value >= 0 && value <= 10_000)) throw new Error(`${at}.${key}: expected US dollars per million tokens from 0 to 10000`);
    return value;
  };
  return {
    inputPerMillionTokens: dollars("inputPerMillionTokens"),
    outputPerMillionTokens: dollars("outputPerMillionTokens"),
    ...(fields.cachedInputPerMillionTokens === undefined ? {} : { cachedInputPerMillionTokens: dollars("cachedInputPerMillionTokens") }),
  };
}

/** What a channel's profile says about where its questions go. */
export interface RouteChoice {
  /** The endpoints it uses, by name, in its own order; all of the environment's when absent. */
  readonly endpoints?: readonly string[];
  readonly residency?: Residency;
}

export interface Route {
  /** The endpoints a question may go to, in order; empty when the residency leaves none. */
  readonly endpoints: readonly ModelEndpoint[];
  /** The residency this channel holds to, if any. */
  readonly residency: Residency | undefined;
  /** Endpoints the residency kept this channel's questions from. */
  readonly excluded: number;
}

/** Where one channel's questions may go: its own endpoints or all, then only those of its residency. */
export function routeFor(
  listed: readonly ModelEndpoint[],
  unlisted: ModelEndpoint,
  choice: RouteChoice | undefined,
  defaultResidency: Residency | undefined,
): Route {
  const all = listed.length > 0 ? listed : [unlisted];
  const named = choice?.endpoints
    ? choice.endpoints.map((name) => all.find((endpoint) => endpoint.name === name)).filter((endpoint): endpoint is ModelEndpoint => endpoint !== undefined)
    : all;
  const residency = choice?.residency ?? defaultResidency;
  const endpoints = residency === "kr" ? named.filter((endpoint) => endpoint.residency === "kr") : named;
  return { endpoints, residency, excluded: named.length - endpoints.length };
}

/**
 * The environment's single endpoint when it lists none: openaiBaseUrl, or the SDK's default (OpenAI's public API,
 * outside Korea), with the channel's model. Its residency is `global`: an unlisted endpoint declares nothing.
 */
export function unlistedEndpoint(baseUrl: string | undefined, model: string): ModelEndpoint {
  return { name: "default", baseUrl, model, residency: "global", auth: "apiKey", unlisted: true };
}

/** The host a question goes to, as a reviewer reads it. */
export function hostOf(endpoint: Pick<ModelEndpoint, "baseUrl">): string {
  if (!endpoint.baseUrl) return "api.openai.com";
  try {
    return new URL(endpoint.baseUrl).host;
  } catch {
    return endpoint.baseUrl;
  }
}
