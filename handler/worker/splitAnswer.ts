import { messages } from "../dooray/messages.js";

/**
 * Splits an answer into pieces of at most `max` characters, preferring line breaks, then spaces, then a hard cut.
 * Nothing is dropped: the pieces joined give back the answer exactly.
 */
export function splitAnswer(answer: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be at least 1");
  const pieces: string[] = [];
  let rest = answer;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = cutAfter(window, "\n") ?? cutAfter(window, " ") ?? max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** Index just after the last separator in the window's second half, so pieces are not tiny. */
function cutAfter(window: string, separator: string): number | undefined {
  const at = window.lastIndexOf(separator);
  return at >= window.length / 2 ? at + 1 : undefined;
}

/** The most messages one answer becomes: a model that ignores its token limit must not flood a person. */
export const MAX_PARTS = 10;

/**
 * The messages a person sees: the answer in parts of at most `max` characters, "(1/3)" headers when there is more
 * than one, at most MAX_PARTS of them, and `note` (why it stopped, say) at the very end. Past MAX_PARTS the answer
 * is cut and says so. No message is ever longer than `max`, headers and notes included.
 */
export function answerMessages(answer: string, max: number, note?: string): string[] {
  const body = answer.trim();
  const ending = note ? `\n\n${note}` : "";
  if (body.length + ending.length <= max) return [body + ending];
  // Every header fits in this: "(10/10)\n".
  const width = max - `(${MAX_PARTS}/${MAX_PARTS})\n`.length;
  let pieces = splitAnswer(body, width).map((piece) => piece.trimEnd());
  let tail = ending;
  if (pieces.length > MAX_PARTS) {
    pieces = pieces.slice(0, MAX_PARTS);
    tail = `\n\n${messages.answerTooLong}${note ? `\n${note}` : ""}`;
  }
  const last = pieces.length - 1;
  if (pieces[last]!.length + tail.length <= width) pieces[last] += tail;
  else if (pieces.length < MAX_PARTS) pieces.push(tail.trimStart());
  else pieces[last] = pieces[last]!.slice(0, Math.max(0, width - tail.length)).trimEnd() + tail;
  if (pieces.length === 1) return pieces;
  return pieces.map((piece, index) => `(${index + 1}/${pieces.length})\n${piece}`);
}
