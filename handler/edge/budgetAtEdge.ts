import { channelSettings } from "../channelProfiles.js";
import type { BotConfig } from "../config.js";
import { messages } from "../dooray/messages.js";
import { budgetDay } from "../store/budgetDay.js";
import { readUsage, scopesOf, wouldOverrun, type BudgetOwner } from "../store/budgets.js";
import type { UsageScope } from "../store/tableKeys.js";
import type { TableRef } from "../store/tableRef.js";
import { reservationFor } from "../store/tokenEstimate.js";

/** The edge answers within a second; a slower table read is skipped (usage) or left to the worker (budgets). */
export const EDGE_TABLE_TIMEOUT_MS = 800;

/** One table read on the edge's path: its attempts (a retry included) all over within EDGE_TABLE_TIMEOUT_MS. */
export function edgeRead(): { readonly deadlineAt: number } {
  return { deadlineAt: Date.now() + EDGE_TABLE_TIMEOUT_MS };
}

/** `/gpt usage`: today's use of the person and the channel against their limits, as the person reads it. */
export async function usageText(table: TableRef, owner: BudgetOwner, config: BotConfig, now: number): Promise<string> {
  const day = budgetDay(now, config.budgetTimeZone, config.budgetUtcOffsetMinutes);
  const limits = channelSettings(config, owner.channelId).budgets;
  const usage = await readUsage(table, owner, day, edgeRead(), scopesOf(limits));
  return messages.usage({ day, timeZone: config.budgetTimeZone, ...usage, limits, maxOutputTokens: config.maxOutputTokens });
}

/**
 * The quick answer at the limit: a budget that today's use already leaves too small for this question refuses it
 * here, at once. `prompt` is every message the model would receive (the worker reserves for exactly that). Judged
 * on a read; the worker's conditional write is what keeps the limit under concurrency.
 */
export async function budgetRefusal(
  table: TableRef,
  owner: BudgetOwner,
  prompt: readonly string[],
  config: BotConfig,
  now: number,
): Promise<{ scope: UsageScope; text: string } | undefined> {
  const { budgets } = channelSettings(config, owner.channelId);
  if (budgets.user === 0 && budgets.channel === 0 && !budgets.total) return undefined;
  const usage = await readUsage(table, owner, budgetDay(now, config.budgetTimeZone, config.budgetUtcOffsetMinutes), edgeRead(), scopesOf(budgets));
  const needed = reservationFor(prompt, config.maxOutputTokens);
  const scope = wouldOverrun(usage, needed, budgets);
  return (
    scope && { scope, text: messages.budgetExceeded({ scope, limit: budgets[scope] ?? 0, used: usage[scope]?.tokens ?? 0, needed }, config.budgetTimeZone) }
  );
}
