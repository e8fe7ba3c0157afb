import { messages } from "../dooray/messages.js";
import type { BudgetOwner } from "../store/budgets.js";
import type { HttpResult } from "../types.js";
import { usageText } from "./budgetAtEdge.js";
import { ephemeral, type EdgeDeps } from "./edgeDeps.js";

/** `/gpt usage` (`/gpt 사용량`): today's use, read within the edge's table deadline, or why it cannot be shown. */
export async function answerUsage(who: BudgetOwner, deps: EdgeDeps): Promise<HttpResult> {
  if (!deps.table) return ephemeral(messages.usageUnavailable);
  try {
    const text = await usageText(deps.table, who, deps.config, deps.now());
    deps.log("info", "request.usage", { ...who });
    return ephemeral(text);
  } catch (error) {
    deps.log("warn", "request.usageUnavailable", { ...who, error });
    return ephemeral(messages.usageUnavailable);
  }
}
