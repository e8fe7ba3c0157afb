import type { PersonalDataMode } from "../channelProfiles.js";
import type { Attempt, EndpointDeps } from "../model/askEndpoints.js";
import type { TokenUsage } from "../model/askModel.js";
import type { Route } from "../model/endpoints.js";
import type { Price } from "../model/modelCost.js";
import type { Outcome } from "../metrics.js";
import type { Reservation } from "../store/budgets.js";
import type { PersonalDataCounts } from "./personalData.js";
import type { Tooling } from "./tooling.js";

/** What streamAnswer is given and gives back: its calls, its outcome, and how it may hold more of the budgets. */
/** One model call: what it held, what was sent and came back (for the bound when usage is not reported). */
export interface ModelCall {
  readonly reservedTokens: number;
  readonly promptTexts: readonly string[];
  readonly usage: TokenUsage | undefined;
  /** The text (and tool-call arguments) it produced; undefined when it produced nothing (nothing to charge). */
  readonly producedText: string | undefined;
  /** The price of the endpoint that answered it (the channel's when it has none, or when no endpoint answered). */
  readonly price?: Price;
}

export interface Answered {
  readonly outcome: Outcome;
  readonly texts: string[];
  readonly fields: Record<string, unknown>;
  /** Every model call in order: the first under the question's hold, each tool round's next under its own. */
  readonly calls: readonly ModelCall[];
  /** The final answer's text; undefined when there is none to store as a turn. */
  readonly producedText: string | undefined;
  /** The Dooray projects and wikis the answer cites, for the stored turn. */
  readonly places?: readonly string[];
  readonly modelMs: number;
  readonly firstTextMs: number | undefined;
  /** Every endpoint asked, in order, across the job's calls; the last one that answered names the answer. */
  readonly attempts: readonly Attempt[];
  /** Every endpoint the question could go to failed (more than one). */
  readonly allEndpointsFailed: boolean;
}

export interface AnswerOptions {
  /** Where the calls may go, in order; a route of one is a single endpoint without failover. */
  readonly route: Route;
  /** The channel's price, for an endpoint without its own. */
  readonly price: Price;
  /** Keys, the shared cooldowns and the clock the failover loop uses. */
  readonly endpoints: Omit<EndpointDeps, "log" | "jobId" | "environmentName" | "now">;
  readonly showProgress: boolean;
  readonly tooling: Tooling;
  /** Holds a tool round's next call's share of the budgets (round ≥ 1). */
  readonly reserveRound: (round: number, tokens: number) => Promise<Reservation>;
  /** The personal-data guard: its mode here, and what it found so far (the question's), which tool results add to. */
  readonly personalData?: { readonly mode: PersonalDataMode; readonly counts: PersonalDataCounts };
  readonly firstReservedTokens: number;
}
