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

/** The messages a person sees: "(1/3)" headers when there is more than one, without trailing blank lines. */
export function answerMessages(answer: string, max: number): string[] {
  const header = (index: number, total: number) => `(${index}/${total})\n`;
  const single = answer.trim();
  if (single.length <= max) return [single];
  // Leave room for the longest header, "(99/99)\n".
  const pieces = splitAnswer(single, max - 8);
  return pieces.map((piece, index) => header(index + 1, pieces.length) + piece.trimEnd());
}
