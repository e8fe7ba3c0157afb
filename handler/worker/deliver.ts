import { FINAL_POST, type PostResult } from "../dooray/postToDooray.js";
import type { Job } from "../job/signedJob.js";
import type { DoorayAttachment } from "../types.js";
import type { WorkerDeps } from "./workerDeps.js";

/**
 * The first message replaces the acknowledgement (a follow-up's arrives as a new one); any further parts follow as
 * new messages, in order. The buttons go on the last part only.
 */
export async function deliver(
  job: Job,
  texts: string[],
  post: NonNullable<WorkerDeps["post"]>,
  deadlineAt: number,
  options: { asNewMessages: boolean; buttons: DoorayAttachment[] | undefined },
): Promise<PostResult[]> {
  const results: PostResult[] = [];
  for (const [index, text] of texts.entries()) {
    const last = index === texts.length - 1;
    const message = {
      text,
      responseType: "ephemeral" as const,
      replaceOriginal: index === 0 && !options.asNewMessages,
      ...(last && options.buttons ? { attachments: options.buttons } : {}),
    };
    results.push(await post(job.responseUrl, message, { ...FINAL_POST, deadlineAt }));
  }
  return results;
}
