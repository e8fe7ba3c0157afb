import type { RequestHandler } from "./edgeDeps.js";
import { handleCommand } from "./handleCommand.js";
import { isButtonPress, isDialogSubmission } from "./readInteraction.js";

/** One kind of request Dooray posts to the Function URL, told by its body's shape, and who answers it. */
interface Route {
  readonly shape: string;
  readonly matches: (fields: Readonly<Record<string, unknown>>) => boolean;
  /** The handler; all but a command's load on first use, so a command's cold start loads none of them. */
  readonly handler: () => Promise<RequestHandler>;
}

/**
 * Everything the edge answers, at a glance, in the order it is told apart (docs/architecture.md, "Interactive
 * answers"): a dialog's submission (follow-up question, 채널에 공유 confirmed, 할 일로 만들기 confirmed, by its
 * signed purpose), a button under an answer (share, regenerate, follow-up, task, by its signed action: handlePress.ts
 * maps each to what it does in PRESS_ACTIONS), else a slash command (`/gpt <question>`, `help`, `usage`). A failure
 * record from Lambda comes to the edge's entry, not here.
 */
export const ROUTES: readonly Route[] = [
  { shape: "dialog submission", matches: isDialogSubmission, handler: async () => (await import("./handleDialog.js")).handleDialog },
  { shape: "button press", matches: isButtonPress, handler: async () => (await import("./handlePress.js")).handlePress },
  { shape: "slash command", matches: () => true, handler: async () => handleCommand },
];

/** The route a verified request takes: the first whose shape it has. */
export function routeOf(fields: Readonly<Record<string, unknown>>): Route {
  return ROUTES.find((route) => route.matches(fields))!;
}
