import { messages } from "../dooray/messages.js";
import type { DoorayMessage } from "../types.js";
import type { PostResult } from "../dooray/postToDooray.js";

/**
 * Replaces the acknowledgement with the answer as it grows: at most one update per interval and never two in
 * flight, so Dooray sees them in order. `settle` waits for the last one, so the final answer always lands last.
 */
export class ProgressUpdates {
  private lastStartedAt = -Infinity;
  private inFlight: Promise<unknown> = Promise.resolve();
  private busy = false;
  private stopped = false;
  posted = 0;

  constructor(
    private readonly post: (message: DoorayMessage) => Promise<PostResult>,
    private readonly intervalMs: number,
    private readonly maxChars: number,
    private readonly now: () => number,
  ) {}

  offer(answerSoFar: string): void {
    if (this.stopped || this.busy || this.now() - this.lastStartedAt < this.intervalMs) return;
    this.lastStartedAt = this.now();
    this.busy = true;
    this.posted++;
    this.inFlight = this.post({ text: progressText(answerSoFar, this.maxChars), responseType: "ephemeral", replaceOriginal: true }).finally(() => {
      this.busy = false;
    });
  }

  async settle(): Promise<void> {
    this.stopped = true;
    await this.inFlight.catch(() => undefined);
  }
}

/** The answer so far with a writing marker; past one message, its first part and a note that more is coming. */
export function progressText(answerSoFar: string, maxChars: number): string {
  const room = maxChars - messages.writingMarker.length - messages.moreComing.length - 2;
  if (answerSoFar.length <= room) return answerSoFar + messages.writingMarker;
  return `${answerSoFar.slice(0, room).trimEnd()}\n\n${messages.moreComing}`;
}
