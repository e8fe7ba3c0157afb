import { randomUUID } from "node:crypto";
import { commandPayload, finalPosts } from "../test/support/harness.js";
import { TOKEN, WORDS_QUESTION, type Bench } from "./benchSetup.js";
import type { Served } from "./processes.js";

/**
 * One command from the edge receiving it to the first post that carries model words, minus the model's own time to
 * first token. The worker is invoked as Lambda would: when the Invoke reaches the (fake) Lambda API.
 */
export async function firstWords(bench: Bench, edge: Served, worker: Served): Promise<number> {
  const { dooray, aws, wordsModel } = bench;
  const { hookId, responseUrl } = dooray.newResponseUrl();
  const modelIndex = wordsModel.firstTokenMs.length;
  let workerDone: Promise<unknown> | undefined;
  aws.onInvoke = (_name, payload) => void (workerDone = worker.send(payload));
  const event = {
    requestContext: { requestId: randomUUID(), http: { method: "POST" } },
    rawPath: "/",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(commandPayload({ text: WORDS_QUESTION, responseUrl, appToken: TOKEN, userId: randomUUID() })),
    isBase64Encoded: false,
  };
  const edgeRun = await edge.send(event);
  const hasWords = (post: { body: { text: string } }) => post.body.text.includes("답변:");
  const posts = await dooray.waitFor(hookId, (received) => received.some(hasWords), 30_000);
  await dooray.waitFor(hookId, (received) => finalPosts(received).length === 1, 30_000);
  await workerDone;
  aws.onInvoke = undefined;
  return posts.find(hasWords)!.receivedAt - edgeRun.startedAt - wordsModel.firstTokenMs[modelIndex]!;
}
