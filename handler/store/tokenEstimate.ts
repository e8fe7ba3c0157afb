/**
 * Token counts before the model reports them. A tokenizer would cost a large table on the cold path; instead a
 * bound that errs high: UTF-8 bytes / 3 is about one token per Hangul syllable and overestimates English (about
 * four bytes a token) by a third. Reservations use it, so a budget is held back a little too much, never too little.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 3);
}

/** Per message, chat formats add a few tokens of their own (role markers, separators). */
const PER_MESSAGE_OVERHEAD = 8;

/** The prompt's estimated size: every message the model receives. */
export function estimatePromptTokens(messages: readonly string[]): number {
  return messages.reduce((sum, text) => sum + estimateTokens(text) + PER_MESSAGE_OVERHEAD, 0);
}

/** What a question holds back from the budgets before the model is called: its prompt plus the most it may answer. */
export function reservationFor(promptMessages: readonly string[], maxOutputTokens: number): number {
  return estimatePromptTokens(promptMessages) + maxOutputTokens;
}
