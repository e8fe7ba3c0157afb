import type { CallLimits } from "../aws/awsRequest.js";
import type { Job } from "../job/signedJob.js";
import type { Logger } from "../log.js";
import type { TokenUsage } from "../model/askModel.js";
import { type DailyLimits, giveBack, type Reservation, reserve, scopesOf, settle } from "../store/budgets.js";
import type { TableRef } from "../store/tableRef.js";
import { promptTokenBound, tokenBound } from "../store/tokenEstimate.js";
import { costOf, type Price } from "../model/modelCost.js";
import type { ModelCall } from "./streamAnswer.js";

/** What a job's calls used, all told: the tokens (reported or bounded), what the budgets were charged, and the list-price cost. */
export interface JobUse {
  readonly used: TokenUsage | undefined;
  readonly usedTokens: number;
  readonly costUSD: number;
}

/**
 * A job's share of the daily budgets, through its life (docs/architecture.md, "Budgets"): the hold placed beside its
 * claim (jobSetup.ts, sized on the prompt), a hold of its own for each tool round's next call, then each settled at
 * what its call used, or given back whole when the model is not asked after all. Every write is bounded by the job's
 * deadline, and a failed one is logged and left counted for the day: the budget errs on the safe side. The writes
 * that follow the answer go on beside its delivery; they join `writes`, which the job waits on before it ends.
 */
export class JobBudget {
  constructor(
    private readonly writes: Promise<unknown>[],
    private readonly table: TableRef,
    private readonly job: Job,
    private readonly day: string,
    private readonly limits: DailyLimits,
    private readonly within: CallLimits,
    private readonly nowSeconds: () => number,
    private readonly log: Logger,
    private readonly logFields: Record<string, unknown>,
  ) {}

  /** A round's hold is named after the job and the round (round 0 is the question's own hold, the job's id). */
  static holdId(jobId: string, round: number): string {
    return round === 0 ? jobId : `${jobId}.${round}`;
  }

  /**
   * The question's first hold will not be used (refused, or nothing to ask): given back once its own write is done,
   * whichever delivery of the job placed it (a second delivery places the same hold, and never gives it back).
   */
  giveBackFirst(placed: Promise<unknown>, tokens: number): void {
    this.writes.push(
      placed
        .then(() => giveBack(this.table, this.job, this.day, { jobId: this.job.id, tokens }, this.nowSeconds(), this.within, scopesOf(this.limits)))
        .catch((error: unknown) => this.log("warn", "job.holdNotGivenBack", { ...this.logFields, error })),
    );
  }

  /** Holds a tool round's next call's share first, under a hold of its own. */
  reserveRound(round: number, tokens: number): Promise<Reservation> {
    return reserve(this.table, this.job, this.day, { jobId: JobBudget.holdId(this.job.id, round), tokens }, this.limits, this.nowSeconds(), this.within);
  }

  /**
   * Settles every call at what it used (the endpoint's count, else the bound of what was sent and came back; a call
   * that failed before its first word, nothing), counts the question answered on its first hold, and returns the
   * job's use. A call that used more than it held is logged: the endpoint counts something we did not send, and the
   * limit still holds (budgets.ts, chargeable).
   */
  settleCalls(calls: readonly ModelCall[], answered: boolean, fallbackPrice: Price): JobUse {
    let used: TokenUsage | undefined;
    let usedTokens = 0;
    let costUSD = 0;
    for (const [round, call] of calls.entries()) {
      const callUsed =
        call.usage ??
        (call.producedText === undefined ? undefined : { inputTokens: promptTokenBound(call.promptTexts), outputTokens: tokenBound(call.producedText) });
      const callTokens = callUsed ? callUsed.inputTokens + callUsed.outputTokens : 0;
      if (callUsed) {
        used = {
          inputTokens: (used?.inputTokens ?? 0) + callUsed.inputTokens,
          outputTokens: (used?.outputTokens ?? 0) + callUsed.outputTokens,
          cachedInputTokens: (used?.cachedInputTokens ?? 0) + (callUsed.cachedInputTokens ?? 0),
        };
        costUSD += costOf(callUsed, call.price ?? fallbackPrice);
      }
      usedTokens += callTokens;
      if (callTokens > call.reservedTokens)
        this.log("warn", "job.usageAboveHold", { ...this.logFields, round, usedTokens: callTokens, reservedTokens: call.reservedTokens });
      const settlement = {
        jobId: JobBudget.holdId(this.job.id, round),
        usedTokens: callTokens,
        reservedTokens: call.reservedTokens,
        answered: round === 0 && answered,
      };
      this.writes.push(
        settle(this.table, this.job, this.day, settlement, this.nowSeconds(), this.within, scopesOf(this.limits)).catch((error: unknown) =>
          this.log("warn", "job.settleFailed", { ...this.logFields, round, error }),
        ),
      );
    }
    return { used, usedTokens, costUSD };
  }
}
