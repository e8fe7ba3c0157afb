import type { PersonalDataMode } from "../channelProfiles.js";
import type { TurnPlan } from "../store/turnPlan.js";
import { addCounts, anyFound, maskPersonalData, type PersonalDataCounts } from "./personalData.js";

export interface GuardedTurn {
  /** The plan with its question and history masked (mask, and block when nothing was found), else as it was. */
  readonly plan: Extract<TurnPlan, { ok: true }>;
  /** What was found, by kind: in the question and the conversation sent with it. */
  readonly counts: PersonalDataCounts;
  /** block: the question holds personal data, and no model may see it. */
  readonly blocked: boolean;
}

/**
 * The personal-data guard on a turn, before its prompt is built (docs/privacy.md, "Personal data"): the question and
 * every earlier turn sent with it. Masked text is also what the turn stores, so the numbers never reach the table.
 */
export function guardTurn(plan: Extract<TurnPlan, { ok: true }>, mode: PersonalDataMode): GuardedTurn {
  if (mode === "allow") return { plan, counts: {}, blocked: false };
  const question = maskPersonalData(plan.question);
  if (mode === "block" && anyFound(question.counts)) return { plan, counts: question.counts, blocked: true };
  const counts: PersonalDataCounts = { ...question.counts };
  const history = plan.history.map((turn) => {
    const [asked, answered] = [maskPersonalData(turn.question), maskPersonalData(turn.answer)];
    addCounts(counts, asked.counts);
    addCounts(counts, answered.counts);
    return { ...turn, question: asked.text, answer: answered.text };
  });
  return { plan: { ...plan, question: question.text, history }, counts, blocked: false };
}
