import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newJob, signJob } from "../handler/job/signedJob.js";
import { startLocalTable } from "../handler/dev/localTable.js";
import { REPO_ROOT, handlerPackageFiles } from "../stacks/assets/buildHandler.js";
import { openaiLayerFiles } from "../stacks/assets/buildOpenAILayer.js";
import { startDoorayReceiver } from "../test/support/doorayReceiver.js";
import { startFakeAws } from "../test/support/fakeAws.js";
import { startFakeOpenAI } from "../test/support/fakeOpenAI.js";
import { commandPayload } from "../test/support/harness.js";
import { median } from "./stats.js";

/**
 * `npm run bench:cold-path`: where a cold start's time goes, the profile docs/architecture.md ("Cold start")
 * summarises. The edge: the realistic floor, the floor plus what any edge must add to call Lambda (a job-sized body
 * and its SigV4 signature: bench/signedFloorHandler.cjs), and ours, interleaved; the difference between the last two
 * is our own code. The worker: fresh processes running one job each (bench/tracedChild.cjs), with the time each
 * HTTP call started and ended; the medians give the critical path.
 */
const ROUNDS = process.argv.includes("--quick") ? 7 : 21;
const TOKEN = "cold-path-token-0f1e2d3c4b5a";
const work = mkdtempSync(join(tmpdir(), "dooray-gpt-cold-path-"));
for (const [dir, files] of [
  ["edge", handlerPackageFiles("edge")],
  ["worker", handlerPackageFiles("worker")],
  ["layer", openaiLayerFiles()],
] as const) {
  for (const file of files) {
    mkdirSync(join(work, dir, file.path, ".."), { recursive: true });
    writeFileSync(join(work, dir, file.path), file.content);
  }
}
const [model, dooray, aws, table] = await Promise.all([startFakeOpenAI(), startDoorayReceiver(), startFakeAws(), startLocalTable()]);
const env = {
  PATH: process.env.PATH ?? "",
  BENCH_QUIET: "1",
  DOORAY_APP_TOKEN: TOKEN,
  OPENAI_API_KEY: "sk-cold-path",
  OPENAI_BASE_URL: model.baseUrl,
  RESPONSE_URL_HOSTS: "127.0.0.1",
  ALLOW_INSECURE_RESPONSE_URL: "1",
  MODEL_MAX_RETRIES: "0",
  PROGRESS_INTERVAL_MS: "0",
  AWS_REGION: "ap-northeast-2",
  AWS_ACCESS_KEY_ID: "AKIACOLDPATH",
  AWS_SECRET_ACCESS_KEY: "cold-path",
  WORKER_FUNCTION_NAME: "dooray-gpt-bench-worker",
  AWS_LAMBDA_FUNCTION_NAME: "dooray-gpt-bench-worker",
  AWS_ENDPOINT_URL_LAMBDA: aws.url,
  AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
  BOT_TABLE: table.table,
  BUDGET_USER_DAILY_TOKENS: "200000",
  BUDGET_CHANNEL_DAILY_TOKENS: "2000000",
  BUDGET_UTC_OFFSET_MINUTES: "540",
  NODE_PATH: join(work, "layer", "nodejs", "node_modules"),
};

async function run(script: string, entry: string, event: unknown): Promise<Record<string, unknown>> {
  const events = join(work, `events-${randomUUID()}.json`);
  const out = join(work, `out-${randomUUID()}.json`);
  writeFileSync(events, JSON.stringify([event]));
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, [join(REPO_ROOT, "bench", script)], {
      env: { ...env, BENCH_MODE: "cold", BENCH_ENTRY: entry, BENCH_EVENTS: events, BENCH_OUT: out },
      stdio: ["ignore", "ignore", "inherit"],
    });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${entry}: ${readFileSync(out, "utf8")}`))));
  });
  return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
}
const command = () => ({
  requestContext: { requestId: randomUUID(), http: { method: "POST" } },
  rawPath: "/",
  headers: {},
  body: JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘", responseUrl: dooray.newResponseUrl().responseUrl, appToken: TOKEN })),
  isBase64Encoded: false,
});
const job = () =>
  signJob(
    newJob(
      { tenantId: "1", channelId: "2", userId: randomUUID(), text: "이번 주 배포 체크리스트 정리해줘", responseUrl: dooray.newResponseUrl().responseUrl },
      Date.now(),
    ),
    TOKEN,
  );
const ms = (value: number) => `${value.toFixed(1)} ms`;

const edge: Record<string, number[]> = { floor: [], signedFloor: [], ours: [] };
const worker: { loadedMs: number; endMs: number; calls: { call: string; start: number; end: number }[] }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  edge.floor!.push((await run("child.cjs", join(REPO_ROOT, "bench", "floorHandler.cjs"), command())).coldMs as number);
  edge.signedFloor!.push((await run("child.cjs", join(REPO_ROOT, "bench", "signedFloorHandler.cjs"), command())).coldMs as number);
  edge.ours!.push((await run("child.cjs", join(work, "edge", "index.js"), command())).coldMs as number);
  worker.push((await run("tracedChild.cjs", join(work, "worker", "index.js"), job())) as (typeof worker)[number]);
}
await Promise.all([model.close(), dooray.close(), aws.close(), table.close()]);

const [floor, signedFloor, ours] = [median(edge.floor!), median(edge.signedFloor!), median(edge.ours!)];
const lines = [
  `edge cold start, medians of ${ROUNDS} interleaved rounds:`,
  `  floor (node:crypto + one HTTP POST)                      ${ms(floor)}`,
  `  + a job-sized body and its SigV4 signature               ${ms(signedFloor)}`,
  `  ours                                                     ${ms(ours)}  (our own code: ${ms(ours - signedFloor)})`,
  `worker cold start, one job in a fresh process, medians of ${ROUNDS} (ms from loading the bundle; start → end of each call):`,
  `  bundle loaded                                            ${ms(median(worker.map((run) => run.loadedMs)))}`,
];
// The calls of a job, in the order they start: the same in every run.
const order = worker[0]!.calls
  .slice()
  .sort((a, b) => a.start - b.start)
  .map((call) => call.call);
for (const [index, name] of order.entries()) {
  const nth = order.slice(0, index).filter((other) => other === name).length;
  const picks = worker.map((run) => run.calls.filter((call) => call.call === name).sort((a, b) => a.start - b.start)[nth]).filter((call) => call !== undefined);
  lines.push(`  ${name.padEnd(55)}  ${ms(median(picks.map((call) => call.start)))} → ${ms(median(picks.map((call) => call.end)))}`);
}
lines.push(`  job done                                                 ${ms(median(worker.map((run) => run.endMs)))}`);
process.stdout.write(lines.join("\n") + "\n");
