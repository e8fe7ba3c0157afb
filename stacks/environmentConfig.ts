import type { ChannelProfiles } from "../handler/channelProfiles.js";
import type { ModelEndpoint } from "../handler/model/endpoints.js";
import type { EnvironmentSettings } from "./settingsSchema.js";

/**
 * One environment's settings, validated (docs/configuration.md, "Settings per environment"): each setting as the
 * schema declares it (settingsSchema.ts), with what follows from the others filled in (the budget zone's offset, the
 * state key, the cached-input price), and the channels and model endpoints parsed by the handler's own parsers.
 * Each environment becomes its own stack, `dooray-gpt-<name>`.
 */
export type EnvironmentConfig = Omit<EnvironmentSettings, "backend" | "budgets" | "modelPrice" | "channels" | "modelEndpoints"> & {
  /** Used in every resource name: dooray-gpt-<name>-…; lower-case letters, digits, dashes. */
  readonly name: string;
  readonly backend: S3BackendConfig | undefined;
  readonly budgets: BudgetSettings;
  readonly modelPrice: { readonly inputPerMillionTokens: number; readonly outputPerMillionTokens: number; readonly cachedInputPerMillionTokens: number };
  /** Per-channel name, system prompt, model, budgets, Dooray scope and route (docs/architecture.md, "Channel profiles"). */
  readonly channels: ChannelProfiles;
  /** The endpoints questions go to, in order, with failover; empty: model and openaiBaseUrl alone (docs/operations.md, "Model endpoints"). */
  readonly modelEndpoints: readonly ModelEndpoint[];
};

export type FunctionSizing = EnvironmentSettings["edge"];
export type WorkerSizing = EnvironmentSettings["worker"];
export type TableSettings = EnvironmentSettings["table"];
export type AlarmSettings = EnvironmentSettings["alarms"];
export type BudgetSettings = EnvironmentSettings["budgets"] & {
  /** The zone's UTC offset if it has no daylight saving this year or next (then the functions need no formatter). */
  readonly utcOffsetMinutes: number | undefined;
};
export interface S3BackendConfig {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** "s3": S3-native lock file; "dynamodb": a lock table (dynamodbTable required). */
  readonly lock: "s3" | "dynamodb";
  readonly dynamodbTable: string | undefined;
}
