import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { messages } from "../handler/dooray/messages.js";
import { REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { commandPayload, finalPosts } from "../test/support/harness.js";
import { MODEL_DELAY_MS, TOKEN, type Bench } from "./benchSetup.js";
import { percentile, round } from "./stats.js";

/**
 * Load through `npm run dev` as a person and as a crowd: commands one at a time (the acknowledgement as one person
 * sees it), then many at once from a client process of its own (bench/loadClient.cjs); every answer waited for, and
 * counted as delivered, lost or duplicated.
 */
export async function loadThroughDevServer(bench: Bench, devEnv: Record<string, string>, sequentialFirst: boolean) {
  const { work, commonEnv, slowModel, dooray, n: N } = bench;
  // The server's log goes to a file: a pipe would make it wait on this (busy) process to read each line.
  const logFile = join(work, "dev-server.log");
  const proc = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [join(REPO_ROOT, "handler", "dev", "dev.ts")], {
    // Every command comes from one person: budgets unlimited (still counted, so every answer makes its round trips).
    env: {
      ...commonEnv,
      ...devEnv,
      PORT: "0",
      OPENAI_BASE_URL: slowModel.baseUrl,
      AWS_ENDPOINT_URL_LAMBDA: "",
      PROGRESS_INTERVAL_MS: "10000",
      BUDGET_USER_DAILY_TOKENS: "0",
      BUDGET_CHANNEL_DAILY_TOKENS: "0",
    },
    stdio: ["ignore", openSync(logFile, "w"), "inherit"],
  });
  try {
    let url: string | undefined;
    for (const until = Date.now() + 30_000; !url && Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      if (proc.exitCode !== null) throw new Error(`dev server exited with ${proc.exitCode}`);
      url = /ready: (http:\/\/\S+)/.exec(readFileSync(logFile, "utf8"))?.[1];
    }
    if (!url) throw new Error("dev server did not start within 30 s");
    // One person at a time first: the acknowledgement as a single user sees it.
    const sequentialAcks: number[] = [];
    for (let i = 0; sequentialFirst && i < N.sequential; i++) {
      const { responseUrl } = dooray.newResponseUrl();
      const started = performance.now();
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(commandPayload({ text: "한 명씩", responseUrl, appToken: TOKEN })),
      });
      await response.arrayBuffer();
      sequentialAcks.push(performance.now() - started);
    }
    if (sequentialFirst) await new Promise((r) => setTimeout(r, MODEL_DELAY_MS + 500));
    const startedAll = performance.now();
    const outFile = join(work, "load.json");
    await new Promise<void>((resolve, reject) => {
      const client = spawn(process.execPath, [join(REPO_ROOT, "bench", "loadClient.cjs")], {
        env: {
          PATH: commonEnv.PATH,
          BENCH_URL: url,
          BENCH_COUNT: String(N.load),
          BENCH_CONCURRENCY: String(N.loadConcurrency),
          BENCH_TOKEN: TOKEN,
          BENCH_HOOK_BASE: `${dooray.url}/messenger/api/commands/hook`,
          BENCH_OUT: outFile,
        },
        stdio: ["ignore", "ignore", "inherit"],
      });
      client.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`load client exited ${code}`))));
    });
    const {
      hookIds: hooks,
      acks,
      failures: ackFailures,
    } = JSON.parse(readFileSync(outFile, "utf8")) as { hookIds: string[]; acks: number[]; failures: number };
    // Every answer takes the model's 2 s; give them all time to land, then a little more to catch duplicates.
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && hooks.some((hook) => finalPosts(dooray.postsFor(hook)).length === 0)) await new Promise((r) => setTimeout(r, 50));
    const allDeliveredMs = performance.now() - startedAll;
    await new Promise((r) => setTimeout(r, 500));
    const finals = hooks.map((hook) => finalPosts(dooray.postsFor(hook)));
    const answered = finals.filter((posts, index) => posts.length === 1 && posts[0]!.body.text === `답변: 질문 ${hooks[index]}`).length;
    const busy = finals.filter((posts) => posts.length === 1 && posts[0]!.body.text === messages.busy).length;
    const wrongText = finals.filter((posts) => posts.length === 1).length - answered - busy;
    return {
      sequential_ack_p50_ms: round(percentile(sequentialAcks, 50), 2),
      sequential_ack_p99_ms: round(percentile(sequentialAcks, 99), 2),
      sequential_commands: N.sequential,
      sent: N.load,
      concurrency: N.loadConcurrency,
      delivered: finals.filter((posts) => posts.length >= 1).length,
      answered,
      busy,
      lost: finals.filter((posts) => posts.length === 0).length,
      duplicated: finals.filter((posts) => posts.length > 1).length,
      wrong_answer: wrongText,
      ack_failures: ackFailures,
      ack_p50_ms: round(percentile(acks, 50), 2),
      ack_p99_ms: round(percentile(acks, 99), 2),
      ack_max_ms: round(Math.max(...acks), 2),
      all_delivered_ms: round(allDeliveredMs),
    };
  } finally {
    proc.kill("SIGTERM");
  }
}
