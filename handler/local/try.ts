import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ConfigError, integer } from "../config.js";
import { createLogger } from "../log.js";
import { messages } from "../dooray/messages.js";
import { startDevServer, type DevServer } from "./devServer.js";

/**
 * `npm run try -- "질문"`: plays Dooray. Posts a slash command to the local Function URL, receives the responseUrl
 * posts on its own loopback hook, and prints what the person would see until the answer is final.
 * Without `--url` it starts the dev server in this process (configured from the environment, plus this script's
 * loopback hook); with `--url http://127.0.0.1:8787` it talks to a running `npm run dev`, which must then allow
 * it: RESPONSE_URL_HOSTS=127.0.0.1 ALLOW_INSECURE_RESPONSE_URL=1. In-process, it ends with the job's outcome
 * (answered, notConfigured, keyRejected, …). TRY_LOGS=1 prints the server's log lines; TRY_TIMEOUT_MS (default
 * 180000) bounds the wait for the final answer. In-process runs keep the local table in .local/try-table
 * (LOCAL_TABLE_PATH), so `npm run try -- usage` shows what earlier runs used today.
 */
/** Where in-process runs keep the local table's rows (budgets, job claims) between runs. */
const TRY_TABLE_PATH = join(import.meta.dirname, "..", "..", ".local", "try-table");
const args = process.argv.slice(2);
const urlFlag = args.indexOf("--url");
const targetUrl = urlFlag >= 0 ? args[urlFlag + 1] : undefined;
const question = args.filter((_, index) => urlFlag < 0 || (index !== urlFlag && index !== urlFlag + 1)).join(" ");
let TIMEOUT_MS: number;
try {
  TIMEOUT_MS = integer(process.env, "TRY_TIMEOUT_MS", 180_000, 1_000, 3_600_000);
} catch (error) {
  console.error(`configuration error: ${(error as Error).message}`);
  process.exit(2);
}

type Post = { text: string; replaceOriginal?: boolean };
const isProgress = (text: string) => text.endsWith(messages.writingMarker) || text.endsWith(messages.moreComing);

let finish: () => void;
const finished = new Promise<void>((resolve) => (finish = resolve));
const hook = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: "" } }));
    const post = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Post;
    const label = isProgress(post.text) ? "updating" : post.replaceOriginal === false ? "new message" : "answer";
    console.log(`\n── ${label} ──\n${post.text}`);
    const part = /^\((\d+)\/(\d+)\)\n/.exec(post.text);
    if (!isProgress(post.text) && (!part || part[1] === part[2])) finish();
  });
});
await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/messenger/api/commands/hook/${randomUUID()}`;

let dev: DevServer | undefined;
const serverLogs: string[] = [];
let appToken = process.env.DOORAY_APP_TOKEN;
try {
  if (!targetUrl) {
    appToken ??= randomUUID();
    const hosts = [process.env.RESPONSE_URL_HOSTS, "127.0.0.1"].filter(Boolean).join(",");
    dev = await startDevServer({
      env: {
        ...process.env,
        DOORAY_APP_TOKEN: appToken,
        RESPONSE_URL_HOSTS: hosts,
        ALLOW_INSECURE_RESPONSE_URL: "1",
        // Kept on disk between runs, so `npm run try -- usage` shows what the runs before it used.
        LOCAL_TABLE_PATH: process.env.LOCAL_TABLE_PATH ?? TRY_TABLE_PATH,
      },
      port: 0,
      log: createLogger((line) => {
        serverLogs.push(line);
        if (process.env.TRY_LOGS === "1") console.log(line);
      }),
    });
  }
} catch (error) {
  if (/LOCK|lock/.test(String((error as Error).message)) && !(error instanceof ConfigError)) {
    console.error(`another npm run try is using ${process.env.LOCAL_TABLE_PATH ?? TRY_TABLE_PATH}; wait for it, or set LOCAL_TABLE_PATH to another folder`);
  } else {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  }
  process.exit(2);
}

const url = targetUrl ?? dev!.url;
console.log(`/gpt ${question}   → ${url}`);
const response = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    tenantId: "1234567891234567891",
    tenantDomain: "local.dooray.com",
    channelId: "2345678912345678912",
    userId: "3456789123456789123",
    command: "/gpt",
    text: question,
    responseUrl: hookUrl,
    appToken: appToken ?? "",
    triggerId: `${Date.now()}.local`,
  }),
});
const ack = (await response.json()) as { text: string };
console.log(`\n── HTTP ${response.status} ──\n${ack.text}`);

// Only an acknowledgement is followed by posts; help, refusals and errors are final as they are.
if (response.status === 200 && ack.text === messages.ack) {
  const timer = setTimeout(() => {
    console.error(`\nno final answer within ${TIMEOUT_MS} ms`);
    process.exit(1);
  }, TIMEOUT_MS);
  await finished;
  clearTimeout(timer);
}
await dev?.idle();
// The person sees a kind sentence; the one trying it out also wants to know which case it was.
const outcome = serverLogs.map((line) => JSON.parse(line) as { event?: string; outcome?: string }).findLast((entry) => entry.event === "job.finished")?.outcome;
if (outcome) console.log(`\n(outcome: ${outcome})`);
await dev?.close();
hook.close();
process.exit(response.status === 200 ? 0 : 1);
