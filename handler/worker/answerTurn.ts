import { answerButtons } from "../dooray/answerButtons.js";
import type { Job } from "../job/signedJob.js";
import type { TurnPlan } from "../store/turnPlan.js";
import type { DoorayAttachment } from "../types.js";
import { recordTurn } from "./conversationTurn.js";
import { answerMessages } from "./splitAnswer.js";
import type { streamAnswer } from "./streamAnswer.js";
import type { WorkerDeps } from "./workerDeps.js";

/** At most this long a follow-up's answer waits for its turn to be stored (its buttons name that turn). */
export const FOLLOW_UP_SAVE_WAIT_MS = 2_000;

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(0, ms)));

/**
 * An answer becomes a turn of the conversation (stored beside its delivery, among the job's bookkeeping writes) and
 * gets the buttons that continue it. A follow-up's turn number is known once stored (another follow-up may have
 * landed first), so its answer waits for the save, briefly, and never with more than half the time left: past that
 * it goes without buttons rather than late. The others' is known now.
 */
export async function keepTurnAndButtons(
  result: Awaited<ReturnType<typeof streamAnswer>>,
  plan: Extract<TurnPlan, { ok: true }>,
  run: {
    job: Job;
    deps: WorkerDeps;
    deadlineAt: number;
    asNewMessages: boolean;
    bookkeeping: Promise<unknown>[];
    base: Record<string, unknown>;
    withTask: boolean;
  },
): Promise<DoorayAttachment[] | undefined> {
  if (result.outcome !== "answered" || result.producedText === undefined) return undefined;
  const { job, deps, deadlineAt, base } = run;
  const recorded = recordTurn(deps.table, job, plan, result.producedText, Math.floor(deps.now() / 1000), deps.log, deadlineAt, result.places).catch(
    (error: unknown) => {
      deps.log("warn", "job.turnNotRecorded", { ...base, error });
      return undefined;
    },
  );
  run.bookkeeping.push(recorded);
  const turn = run.asNewMessages ? await Promise.race([recorded, sleep(Math.min(FOLLOW_UP_SAVE_WAIT_MS, (deadlineAt - Date.now()) / 2))]) : plan.turn;
  if (turn === undefined) {
    deps.log("warn", "job.buttonsLeftOut", { ...base, reason: "turn not stored in time" });
    return undefined;
  }
  return buttonsFor(plan.conversationId, turn, job, deps, run.withTask);
}

/** The buttons under an answer, signed with the current app token (none if it cannot be read). */
export async function buttonsFor(conversationId: string, turn: number, job: Job, deps: WorkerDeps, withTask: boolean): Promise<DoorayAttachment[] | undefined> {
  const [currentToken] = await deps.secrets.jobTokens().catch(() => []);
  return currentToken ? answerButtons(conversationId, turn, job, currentToken, deps.now(), { withTask }) : undefined;
}

/**
 * The regenerated turn's stored answer (its last part, as the message under the button showed it) followed by why
 * it was not asked again; undefined if the turn is not stored.
 */
export function keptAnswer(plan: Extract<TurnPlan, { ok: true }>, note: string, maxChars: number): string | undefined {
  const stored = plan.conversation?.turns[plan.turn - plan.conversation.firstTurn]?.answer;
  if (stored === undefined) return undefined;
  const notice = `⚠️ ${note}`;
  return `${answerMessages(stored, maxChars - notice.length - 2).at(-1)}\n\n${notice}`;
}
