import type { ModelRoute } from "./modelRoutes.js";
import type { Spend } from "./spendCeilings.js";
import type { Statement } from "./iamPolicy.js";
import type { PlanJson } from "./offlineTerraform.js";

/**
 * What the reviewer's summary says (stacks/ops/reviewSummary.ts reads it from a plan; summaryText.ts writes it):
 * its shape, and the few facts both sides share.
 */
/** What a reviewer needs from a plan, read from the plan itself (never restated by hand): see formatSummary. */
export interface ReviewSummary {
  readonly stack: string;
  readonly allowedAccountIds: readonly string[];
  readonly public: {
    readonly urls: readonly { readonly function: string; readonly authorization: string }[];
    readonly grants: readonly { readonly function: string; readonly action: string; readonly principal: string; readonly statementId: string }[];
    /** Functions with neither a URL nor a resource-policy grant. */
    readonly private: readonly string[];
  };
  /** Every role: who may assume it, its inline policies' statements, and the managed policies attached to it. */
  readonly roles: readonly {
    readonly role: string;
    readonly trust: readonly Statement[] | undefined;
    readonly statements: readonly Statement[];
    readonly managed: readonly string[];
    readonly unknownPolicies: number;
  }[];
  /** Resource policies other than the functions' grants and the key's: queues, buckets, topics, secrets. */
  readonly resourcePolicies: readonly { readonly resource: string; readonly statements: readonly Statement[] | undefined }[];
  /** Everything in the plan that grants `*`, an admin-like managed policy, another account or the public: ⚠ in the comment. */
  readonly accessFlags: readonly string[];
  readonly secrets: readonly { readonly name: string; readonly recoveryWindowDays: number }[];
  readonly functions: readonly {
    readonly name: string;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly reservedConcurrency: number;
    readonly maxOutputTokens?: number;
    readonly maxEventAgeSeconds?: number;
    readonly retries?: number;
    readonly onFailure?: string;
  }[];
  readonly logs: readonly { readonly group: string; readonly retentionDays: number }[];
  /** Daily token budgets as the worker is told them (0 = unlimited). */
  readonly budgets:
    | {
        readonly userDailyTokens: number;
        readonly channelDailyTokens: number;
        readonly timeZone: string;
        /** Channels whose profile sets its own model or budgets. */
        readonly channels: readonly {
          readonly channelId: string;
          readonly name: string;
          readonly model?: string;
          readonly userDailyTokens?: number;
          readonly channelDailyTokens?: number;
        }[];
      }
    | undefined;
  readonly tables: readonly {
    readonly name: string;
    readonly billing: string;
    readonly ttlAttribute: string | undefined;
    readonly pointInTimeRecovery: boolean;
    readonly deletionProtection: boolean;
  }[];
  readonly alarms: readonly { readonly name: string; readonly actions: readonly string[] }[];
  /** Who is told when an alarm fires (the topic's e-mail subscriptions). */
  readonly alarmEmails: readonly string[];
  /** The customer-managed keys, what each encrypts, and who may use it. */
  readonly keys: readonly {
    readonly alias: string;
    readonly rotation: boolean;
    readonly encrypts: readonly string[];
    /** The key policy's statements (services, the account); none when the policy is known only after apply. */
    readonly statements: readonly Statement[];
    readonly policyUnknown: boolean;
    /** Roles whose own policy uses the key, and through which services. */
    readonly roles: readonly { readonly role: string; readonly actions: readonly string[]; readonly via: readonly string[] }[];
  }[];
  readonly tracing: readonly { readonly function: string; readonly mode: string }[];
  /** AWS Signer: the profile, the code-signing config's policy, and which functions and layers take signed code. */
  readonly codeSigning: {
    readonly profiles: readonly { readonly name: string; readonly platform: string }[];
    readonly enforcement: readonly string[];
    readonly signedFunctions: readonly string[];
    readonly unsignedFunctions: readonly string[];
    readonly signedLayers: readonly string[];
  };
  readonly deadLetters: readonly { readonly function: string; readonly queue: string; readonly retentionSeconds: number | undefined }[];
  /** Where questions go: each channel's model endpoints in order (the SDK's default is OpenAI's public API). */
  readonly modelRoutes: readonly ModelRoute[] | undefined;
  /** The personal-data guard: the environment's default, then each channel that sets its own. */
  readonly personalData: readonly { readonly channel: string | undefined; readonly mode: string }[];
  /** The Dooray tenants that may call; empty means any tenant. */
  readonly tenants: readonly string[];
  /** What the bot may read in Dooray, per channel, and where it may create tasks (the channels' `dooray` scopes). */
  readonly dooray: {
    readonly host: string | undefined;
    readonly tokenSecret: string | undefined;
    /** Hosts links in answers built from Dooray content may keep, besides the tenant's own (LINK_HOSTS). */
    readonly linkHosts: readonly string[];
    readonly channels: readonly {
      readonly channelId: string;
      readonly name: string;
      readonly projects: readonly string[];
      readonly wikis: readonly string[];
      readonly taskProject: string | undefined;
    }[];
  };
  /** The most a day can cost in model spend, each channel at its own model's price (US dollars; won with a rate). */
  readonly spend: Spend | undefined;
}

export type { Statement };

/**
 * The edge's own public surface, the only one the stack means to have (stacks/EdgeFunction.ts): its URL without
 * auth and the grant a new URL needs. The reassuring sentences are printed for exactly these, never by type.
 */
export const EDGE_PUBLIC_GRANT = { statementId: "FunctionUrlNeedsInvokeFunction", action: "lambda:InvokeFunction", principal: "*" } as const;
export const edgeFunctionName = (stack: string) => `${stack}-edge`;

/** Lambda's arm64 list price per GB-second (most regions, 2025); the summary says it is an assumption. */
export const ARM64_USD_PER_GB_SECOND = 0.0000133334;

export type After = Record<string, any>;

/** What will exist after the plan: created, updated, replaced and unchanged resources alike (not those deleted). */
export const remains = (change: PlanJson["resource_changes"][number]) => Boolean(change.change.after) && change.change.actions.join() !== "delete";

export type Remaining = { address: string; after: After; unknown: After };

/** Resources of a type that remain after the plan, with their address and what is known only after apply. */
export function remaining(plan: PlanJson, ...types: string[]): Remaining[] {
  return plan.resource_changes
    .filter((change) => types.includes(change.type) && remains(change))
    .map((change) => ({ address: change.address, after: change.change.after as After, unknown: (change.change.after_unknown ?? {}) as After }));
}

export const known = (resource: Remaining, name: string) => (resource.unknown[name] === true ? "(known after apply)" : String(resource.after[name] ?? "?"));

/** Whether a public grant is the edge's own URL grant (EDGE_PUBLIC_GRANT), the one the summary explains rather than flags. */
export function isEdgePublicGrant(grant: ReviewSummary["public"]["grants"][number], stack: string): boolean {
  return (
    grant.function === edgeFunctionName(stack) &&
    grant.statementId === EDGE_PUBLIC_GRANT.statementId &&
    grant.action === EDGE_PUBLIC_GRANT.action &&
    grant.principal === EDGE_PUBLIC_GRANT.principal
  );
}
