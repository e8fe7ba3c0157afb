/**
 * Token counts before the model reports them, as an upper bound rather than a guess. A tokenizer would put a large
 * table on the cold path, and any guess below the truth lets a budget be overrun: with o200k, dense text (spaced
 * digits, rare Hangul, other scripts) takes 1.8 to 2.3 times its UTF-8 bytes ÷ 3. A byte-level BPE token is at least one
 * byte, so a text's UTF-8 byte count is a bound no tokenizer of that family can pass. It holds back about three
 * times too much for Hangul and four for English while a question runs; the settlement gives the rest back.
 */
export function tokenBound(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Per message, chat formats add tokens of their own: role markers and separators (3-4), and the reply's priming. */
export const PER_MESSAGE_OVERHEAD = 8;

/** The most the prompt can count: every message the model receives, with its markers. */
export function promptTokenBound(messages: readonly string[]): number {
  return messages.reduce((sum, text) => sum + tokenBound(text) + PER_MESSAGE_OVERHEAD, 0);
}

/** What a question holds back from the budgets before the model is called: its prompt plus the most it may answer. */
export function reservationFor(promptMessages: readonly string[], maxOutputTokens: number): number {
  return promptTokenBound(promptMessages) + maxOutputTokens;
}
