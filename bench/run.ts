import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { signV4 } from "../handler/aws/sigv4.js";
import { readConfig } from "../handler/config.js";
import { messages } from "../handler/dooray/messages.js";
import { handleRequest } from "../handler/edge/handleRequest.js";
import { newJob, signJob } from "../handler/job/signedJob.js";
import { REPO_ROOT, handlerPackageFiles } from "../stacks/assets/buildHandler.js";
import { openaiLayerFiles } from "../stacks/assets/buildOpenAILayer.js";
import { deterministicZip } from "../stacks/assets/deterministicZip.js";
import { startDoorayReceiver } from "../test/support/doorayReceiver.js";
import { startFakeAws } from "../test/support/fakeAws.js";
import { startFakeOpenAI } from "../test/support/fakeOpenAI.js";
import { commandPayload, finalPosts } from "../test/support/harness.js";
import { startLocalTable } from "../handler/local/localTable.js";
import { maskPersonalData } from "../handler/worker/personalData.js";
import { failoverTimes } from "./failover.js";

/**
 * `npm run bench [-- --quick] [-- --json]`: our handler against the naive baseline (bench/baseline), both measured
 * in this run, interleaved, with the fake model and Dooray receiver of test/support on loopback.
 */
const quick = process.argv.includes("--quick");
const asJson = process.argv.includes("--json");
const N = {
  coldRounds: quick ? 6 : 25,
  warmAcks: quick ? 300 : 1000,
  baselineAcks: quick ? 200 : 1000,
  workerJobs: quick ? 60 : 300,
  load: quick ? 150 : 500,
  loadConcurrency: 50,
  sequential: quick ? 50 : 200,
  warmWords: quick ? 20 : 60,
};
const MODEL_DELAY_MS = 2000;
/** The first-words rows' model streams its words this far apart (the first too), so progress shows before the end. */
const WORDS_GAP_MS = 50;
const WORDS_QUESTION = `이번 주 배포 체크리스트 정리해줘 [[gap:${WORDS_GAP_MS}]]`;
/** The saturation row: the worker's reserved concurrency and maximum event age, played by the dev server. */
const SATURATION = { workers: 10, maxEventAgeSeconds: 5 };
const TOKEN = "bench-app-token-0f1e2d3c4b5a";
const say = (line: string) => (asJson ? process.stderr : process.stdout).write(line + "\n");

// ── build what ships: the two function bundles and the pre-bundled layer, plus the raw package for comparison ──
const work = mkdtempSync(join(tmpdir(), "dooray-gpt-bench-"));
const edgeFiles = handlerPackageFiles("edge");
const workerFiles = handlerPackageFiles("worker");
const layerFiles = openaiLayerFiles();
for (const [dir, files] of [
  ["edge", edgeFiles],
  ["worker", workerFiles],
  ["layer", layerFiles],
] as const) {
  for (const file of files) {
    mkdirSync(join(work, dir, file.path, ".."), { recursive: true });
    writeFileSync(join(work, dir, file.path), file.content);
  }
}
const OURS = join(work, "edge", "index.js");
const WORKER = join(work, "worker", "index.js");
const BASELINE = join(REPO_ROOT, "bench", "baseline", "naiveHandler.cjs");
const EMPTY = join(REPO_ROOT, "bench", "emptyHandler.cjs");
const FLOOR = join(REPO_ROOT, "bench", "floorHandler.cjs");
const LAYER_BUNDLED = join(work, "layer", "nodejs", "node_modules");
const LAYER_RAW = join(REPO_ROOT, "node_modules");

// ── loopback peers ──
const quickModel = await startFakeOpenAI();
const slowModel = await startFakeOpenAI({ delayMs: MODEL_DELAY_MS });
// The first-words rows' model and the worker floor's, apart, so each request's time to first token is known by index.
const wordsModel = await startFakeOpenAI();
const floorModel = await startFakeOpenAI();
const dooray = await startDoorayReceiver();
const aws = await startFakeAws();
// The bot's table, as a DynamoDB API on loopback: the worker claims jobs and reserves and settles budgets on every
// answer (the edge reads none for a command).
const botTable = await startLocalTable();

const commonEnv = {
  PATH: process.env.PATH ?? "",
  BENCH_QUIET: "1",
  DOORAY_APP_TOKEN: TOKEN,
  OPENAI_API_KEY: "sk-bench",
  RESPONSE_URL_HOSTS: "127.0.0.1",
  ALLOW_INSECURE_RESPONSE_URL: "1",
  MODEL_MAX_RETRIES: "0",
  AWS_REGION: "ap-northeast-2",
  AWS_ACCESS_KEY_ID: "AKIABENCH",
  AWS_SECRET_ACCESS_KEY: "bench",
  WORKER_FUNCTION_NAME: "dooray-gpt-bench-worker",
  AWS_LAMBDA_FUNCTION_NAME: "dooray-gpt-bench-worker",
  AWS_ENDPOINT_URL_LAMBDA: aws.url,
  AWS_ENDPOINT_URL_DYNAMODB: botTable.endpoint,
  BOT_TABLE: botTable.table,
  // As deployed in prod (cdktf.json): budgets on (the worker's reservation; the edge reads none for a command).
  BUDGET_USER_DAILY_TOKENS: "200000",
  BUDGET_CHANNEL_DAILY_TOKENS: "2000000",
  // The stack resolves Asia/Seoul (no daylight saving) to its offset, so no time-zone formatter loads.
  BUDGET_UTC_OFFSET_MINUTES: "540",
};

/** The worker as in prod for the first-words rows, but posting the first words as they come (no first interval). */
const wordsWorkerEnv = { OPENAI_BASE_URL: wordsModel.baseUrl, NODE_PATH: LAYER_BUNDLED, PROGRESS_INTERVAL_MS: "0" };

const edgeEvent = () => {
  const { responseUrl } = dooray.newResponseUrl();
  // As a Function URL delivers it: every request has its own requestId.
  return {
    requestContext: { requestId: randomUUID(), http: { method: "POST" } },
    rawPath: "/",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘", responseUrl, appToken: TOKEN })),
    isBase64Encoded: false,
  };
};
const job = () => {
  const { responseUrl } = dooray.newResponseUrl();
  // A person per job: hundreds of jobs from one person would run into the person's daily budget.
  return signJob(newJob({ tenantId: "1", channelId: "2", userId: randomUUID(), text: "이번 주 배포 체크리스트 정리해줘", responseUrl }, Date.now()), TOKEN);
};

interface ChildResult {
  bootMs: number;
  loadedMs: number;
  coldMs: number;
  rssKb: number;
  loadedBytes: number;
  latencies: number[];
  ownMs: number[];
  statuses: Record<string, number>;
  error?: string;
}

/** One fresh Node process (the Node running this script: 22 under npm). */
async function child(entry: string, mode: "cold" | "warm", events: unknown[], env: Record<string, string>): Promise<ChildResult> {
  const eventsFile = join(work, `events-${randomUUID()}.json`);
  const outFile = join(work, `out-${randomUUID()}.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, [join(REPO_ROOT, "bench", "child.cjs")], {
      env: { ...commonEnv, ...env, BENCH_MODE: mode, BENCH_ENTRY: entry, BENCH_EVENTS: eventsFile, BENCH_OUT: outFile },
      stdio: ["ignore", "ignore", "inherit"],
    });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${entry} ${mode} exited ${code}: ${readFileSync(outFile, "utf8")}`))));
  });
  return JSON.parse(readFileSync(outFile, "utf8")) as ChildResult;
}

const percentile = (values: number[], p: number) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};
const median = (values: number[]) => percentile(values, 50);

// ── 1. cold starts, interleaved rounds ──
say(`cold starts: ${N.coldRounds} rounds of fresh processes…`);
const cold: Record<string, ChildResult[]> = { empty: [], floor: [], edge: [], baseline: [], workerBundled: [], workerRaw: [] };
const coldWords: number[] = [];
const workerFloor: number[] = [];
for (let round = 0; round < N.coldRounds; round++) {
  cold.empty!.push(await child(EMPTY, "cold", [edgeEvent()], {}));
  cold.floor!.push(await child(FLOOR, "cold", [edgeEvent()], {}));
  // As deployed in prod: budgets on. The edge reads no budget before its Invoke (the worker's reservation decides).
  cold.edge!.push(await child(OURS, "cold", [edgeEvent()], { OPENAI_BASE_URL: quickModel.baseUrl }));
  cold.baseline!.push(await child(BASELINE, "cold", [edgeEvent()], { OPENAI_BASE_URL: quickModel.baseUrl }));
  cold.workerBundled!.push(await child(WORKER, "cold", [job()], { OPENAI_BASE_URL: quickModel.baseUrl, NODE_PATH: LAYER_BUNDLED }));
  cold.workerRaw!.push(await child(WORKER, "cold", [job()], { OPENAI_BASE_URL: quickModel.baseUrl, NODE_PATH: LAYER_RAW }));
  workerFloor.push(await floorRun());
  const edge = await served(OURS, {});
  const worker = await served(WORKER, wordsWorkerEnv);
  coldWords.push(await firstWords(edge, worker));
  edge.kill();
  worker.kill();
}
for (const [name, runs] of Object.entries(cold)) {
  const bad = runs.find((run) => run.error);
  if (bad) throw new Error(`${name}: ${bad.error}`);
}

// ── 2. warm acknowledgement latency, model answering in 2 s ──
say(`warm acknowledgements: ${N.warmAcks} ours, ${N.baselineAcks} baseline (model ${MODEL_DELAY_MS} ms)…`);
const warmEmpty = await child(EMPTY, "warm", Array.from({ length: N.warmAcks + 1 }, edgeEvent), {});
const warmOurs = await child(OURS, "warm", Array.from({ length: N.warmAcks + 1 }, edgeEvent), { OPENAI_BASE_URL: slowModel.baseUrl });
// The baseline holds each request for the whole answer; 200 at a time keeps the run short without queueing.
const warmBaseline = await child(BASELINE, "warm", Array.from({ length: N.baselineAcks + 1 }, edgeEvent), {
  OPENAI_BASE_URL: slowModel.baseUrl,
  BENCH_CONCURRENCY: "200",
});

// ── 3. worker overhead: wall time minus the model's own time, streaming on ──
say(`worker overhead: ${N.workerJobs} jobs…`);
const modelStart = quickModel.durationsMs.length;
const worker = await child(WORKER, "warm", Array.from({ length: N.workerJobs + 1 }, job), { OPENAI_BASE_URL: quickModel.baseUrl, NODE_PATH: LAYER_BUNDLED });
// The first job only warmed the process up.
const modelTimes = quickModel.durationsMs.slice(modelStart + 1);
const overheads = worker.latencies.map((wall, index) => wall - (modelTimes[index] ?? Number.NaN));

// ── 3b. the worker's table writes alone, in its rounds: the part of its overhead that is the table's ──
say(`worker table floor: ${N.workerJobs} jobs' writes alone…`);
const tableFloor = await tableFloorRun(N.workerJobs);

// ── 3a. first words: from the edge receiving a command to the first post with model words, warm ──
say(`first words: ${N.warmWords} commands through warm edge and worker processes…`);
const warmWords: number[] = [];
{
  const edge = await served(OURS, {});
  const worker = await served(WORKER, wordsWorkerEnv);
  await firstWords(edge, worker);
  for (let i = 0; i < N.warmWords; i++) warmWords.push(await firstWords(edge, worker));
  edge.kill();
  worker.kill();
}

// ── 3c. the edge's own logic, no I/O at all: parse, checks, job signature, SigV4 signing of the Invoke ──
say("edge logic alone…");
const edgeLogic = await edgeLogicAlone(quick ? 2_000 : 10_000);
const guardCost = personalDataGuardCost(quick ? 200 : 1_000);

// ── 3d. model endpoints: the failover loop, healthy and when the first endpoint fails ──
say("model endpoints: healthy and failing over…");
const endpoints = await failoverTimes(botTable, quick ? 20 : 100);

// ── 4. load through npm run dev ──
say(`load: ${N.load} commands at concurrency ${N.loadConcurrency} through the dev server…`);
// No ceiling on answers at once, as Lambda scales a worker without reserved concurrency.
const load = await loadThroughDevServer({ WORKER_CONCURRENCY: "1000" }, true);
say(`saturation: ${N.load} commands at concurrency ${N.loadConcurrency}, ${SATURATION.workers} workers, ${SATURATION.maxEventAgeSeconds} s max wait…`);
const saturation = await loadThroughDevServer(
  { WORKER_CONCURRENCY: String(SATURATION.workers), MAX_EVENT_AGE_SECONDS: String(SATURATION.maxEventAgeSeconds) },
  false,
);

await Promise.all([quickModel.close(), slowModel.close(), wordsModel.close(), floorModel.close(), dooray.close(), aws.close(), botTable.close()]);

// ── report ──
const coldMedian = (name: string, field: "coldMs" | "bootMs" | "rssKb" | "loadedBytes") => median(cold[name]!.map((run) => run[field]));
const coldP90 = (name: string) =>
  percentile(
    cold[name]!.map((run) => run.coldMs),
    90,
  );
const functionZip = deterministicZip(edgeFiles).length;
const workerZip = deterministicZip(workerFiles).length;
const layerZip = deterministicZip(layerFiles).length;
const result = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version, quick },
  node_boot_ms: round(coldMedian("empty", "bootMs")),
  edge_cold_ms: {
    ours: round(coldMedian("edge", "coldMs")),
    baseline: round(coldMedian("baseline", "coldMs")),
    empty: round(coldMedian("empty", "coldMs")),
    floor: round(coldMedian("floor", "coldMs")),
  },
  edge_cold_p90_ms: { ours: round(coldP90("edge")), baseline: round(coldP90("baseline")), empty: round(coldP90("empty")) },
  worker_cold_ms: {
    layer_bundled: round(coldMedian("workerBundled", "coldMs")),
    layer_raw: round(coldMedian("workerRaw", "coldMs")),
    p90_bundled: round(coldP90("workerBundled")),
    p90_raw: round(coldP90("workerRaw")),
  },
  ack_ms: {
    ours_p50: round(percentile(warmOurs.latencies, 50), 3),
    ours_p99: round(percentile(warmOurs.latencies, 99), 3),
    empty_p50: round(percentile(warmEmpty.latencies, 50), 3),
    empty_p99: round(percentile(warmEmpty.latencies, 99), 3),
    baseline_p50: round(percentile(warmBaseline.latencies, 50)),
    baseline_p99: round(percentile(warmBaseline.latencies, 99)),
    samples: { ours: warmOurs.latencies.length, baseline: warmBaseline.latencies.length },
  },
  edge_overhead_ms: {
    p50: round(percentile(warmOurs.ownMs, 50), 3),
    p99: round(percentile(warmOurs.ownMs, 99), 3),
    invoke_round_trip_p50: round(
      percentile(
        warmOurs.latencies.map((total, i) => total - warmOurs.ownMs[i]!),
        50,
      ),
      3,
    ),
    invoke_round_trip_p99: round(
      percentile(
        warmOurs.latencies.map((total, i) => total - warmOurs.ownMs[i]!),
        99,
      ),
      3,
    ),
  },
  edge_logic_ms: { p50: round(percentile(edgeLogic, 50), 3), p99: round(percentile(edgeLogic, 99), 3), samples: edgeLogic.length },
  /** The worker's personal-data guard on 10 KB of Korean text, warm (a target: under 1 ms). */
  personal_data_guard_ms: { per_10kb_p50: round(percentile(guardCost, 50), 3), per_10kb_p99: round(percentile(guardCost, 99), 3), samples: guardCost.length },
  /** Time to a whole answer through the failover loop, warm (bench/failover.ts), and the SigV4 signing of an aws endpoint's request. */
  model_endpoints_ms: endpoints,
  worker_overhead_ms: { p50: round(percentile(overheads, 50), 2), p99: round(percentile(overheads, 99), 2), jobs: overheads.length },
  worker_table_floor_ms: {
    p50: round(percentile(tableFloor.latencies, 50), 2),
    p99: round(percentile(tableFloor.latencies, 99), 2),
    // The claim and the holds alone: what stands between a job's start and its model call.
    first_round_p50: round(percentile(tableFloor.firstRound, 50), 2),
    first_round_p99: round(percentile(tableFloor.firstRound, 99), 2),
    jobs: tableFloor.latencies.length,
  },
  first_words_ms: {
    cold_overhead: round(median(coldWords)),
    warm_overhead_p50: round(percentile(warmWords, 50), 2),
    warm_overhead_p99: round(percentile(warmWords, 99), 2),
    cold_rounds: coldWords.length,
    warm_commands: warmWords.length,
  },
  worker_floor_ms: round(median(workerFloor)),
  peak_rss_mb: {
    empty: round(coldMedian("empty", "rssKb") / 1024),
    edge: round(coldMedian("edge", "rssKb") / 1024),
    worker: round(coldMedian("workerBundled", "rssKb") / 1024),
    baseline: round(coldMedian("baseline", "rssKb") / 1024),
  },
  bytes: {
    edge: coldMedian("edge", "loadedBytes"),
    worker: coldMedian("workerBundled", "loadedBytes"),
    layer: layerZip,
    layer_unzipped: layerFiles.reduce((sum, file) => sum + file.content.length, 0),
    function_zip: functionZip,
    worker_zip: workerZip,
    baseline: coldMedian("baseline", "loadedBytes"),
  },
  load,
  saturation,
};
/** The targets the bench checks, as ratios within this one run (docs/benchmark.md). */
const targets = {
  edge_cold_over_floor: target(result.edge_cold_ms.ours / result.edge_cold_ms.floor, "≤", 1.3),
  baseline_over_edge_cold: target(result.edge_cold_ms.baseline / result.edge_cold_ms.ours, "≥", 10),
  worker_overhead_p99_ms: target(result.worker_overhead_ms.p99, "≤", 15),
  first_words_cold_over_worker_floor: target(result.first_words_ms.cold_overhead / result.worker_floor_ms, "≤", 1.3),
  first_words_warm_p99_ms: target(result.first_words_ms.warm_overhead_p99, "≤", 20),
  lost_or_duplicated: target(load.lost + load.duplicated + saturation.lost + saturation.duplicated, "≤", 0),
};

if (asJson) {
  process.stdout.write(JSON.stringify({ ...result, targets }) + "\n");
} else {
  say(table(result));
  say("");
  for (const [name, t] of Object.entries(targets)) say(`target ${name}: ${t.value} ${t.rule} ${t.bound}: ${t.met ? "met" : "NOT met"}`);
  // The table's own share, measured in this run: no worker overhead goes below it, however little the worker adds.
  say(`(the table alone: a job's writes p99 ${result.worker_table_floor_ms.p99} ms, their first round p99 ${result.worker_table_floor_ms.first_round_p99} ms)`);
}
process.exit(0);

/** handleCommand in this process with a dispatcher that only signs the Invoke request, as the AWS one does. */
/** maskPersonalData on 10 KB of Korean text with numbers of every kind and many that are not, timed warm. */
function personalDataGuardCost(samples: number): number[] {
  const sentence =
    "이번 주 배포 체크리스트: 주문번호 20261205-0001234, 매출 1,234,567원, BOT-1234 확인. 고객 900101-1234567 카드 4111-1111-1111-1111 환불, 국민은행 123-456-789012. ";
  const text = Buffer.from(sentence.repeat(Math.ceil(10_240 / Buffer.byteLength(sentence))))
    .subarray(0, 10_240)
    .toString("utf8");
  const times: number[] = [];
  for (let index = 0; index < samples + 50; index++) {
    const started = performance.now();
    maskPersonalData(text);
    if (index >= 50) times.push(performance.now() - started);
  }
  return times;
}

async function edgeLogicAlone(samples: number): Promise<number[]> {
  const config = readConfig({ DOORAY_APP_TOKEN: TOKEN });
  const invokeUrl = new URL("https://lambda.ap-northeast-2.amazonaws.com/2015-03-31/functions/dooray-gpt-bench-worker/invocations");
  const deps = {
    config,
    appToken: async () => TOKEN,
    dispatch: async (signed: unknown) => {
      signV4(
        {
          method: "POST",
          url: invokeUrl,
          headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
          body: JSON.stringify(signed),
          service: "lambda",
          region: "ap-northeast-2",
        },
        { accessKeyId: "AKIABENCH", secretAccessKey: "bench" },
        new Date(),
      );
    },
    log: () => undefined,
    now: Date.now,
  };
  const event = () => ({
    requestContext: { requestId: randomUUID(), http: { method: "POST" } },
    body: JSON.stringify(commandPayload({ text: "이번 주 배포 체크리스트 정리해줘", appToken: TOKEN })),
    isBase64Encoded: false,
  });
  for (let i = 0; i < 1_000; i++) await handleRequest(event(), deps);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const input = event();
    const started = performance.now();
    await handleRequest(input, deps);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function loadThroughDevServer(devEnv: Record<string, string>, sequentialFirst: boolean) {
  // The server's log goes to a file: a pipe would make it wait on this (busy) process to read each line.
  const logFile = join(work, "dev-server.log");
  const proc = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [join(REPO_ROOT, "handler", "local", "dev.ts")], {
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

/** A booted process (bench/servedChild.cjs) that runs `entry` for each event sent to it; the first is a cold start. */
async function served(entry: string, env: Record<string, string>) {
  const proc: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "bench", "servedChild.cjs")], {
    env: { ...commonEnv, ...env, BENCH_ENTRY: entry },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const waiting = new Map<number, (reply: { startedAt: number; endedAt: number; error?: string }) => void>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`${entry} exited ${code} before it was ready`)));
    proc.on("message", (message: { ready?: boolean; id?: number; startedAt: number; endedAt: number; error?: string }) => {
      if (message.ready) return resolve();
      waiting.get(message.id!)?.(message);
      waiting.delete(message.id!);
    });
  });
  return {
    send(event: unknown): Promise<{ startedAt: number; endedAt: number }> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, (reply) => (reply.error ? reject(new Error(`${entry}: ${reply.error}`)) : resolve(reply)));
        proc.send({ id, event });
      });
    },
    kill: () => proc.kill(),
  };
}
type Served = Awaited<ReturnType<typeof served>>;

/**
 * One command from the edge receiving it to the first post that carries model words, minus the model's own time to
 * first token. The worker is invoked as Lambda would: when the Invoke reaches the (fake) Lambda API.
 */
async function firstWords(edge: Served, worker: Served): Promise<number> {
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

/** bench/tableFloor.ts in a process of its own (as the worker is), against the bench's table: its latencies. */
async function tableFloorRun(jobs: number): Promise<{ latencies: number[]; firstRound: number[] }> {
  const outFile = join(work, `table-floor-${randomUUID()}.json`);
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench", "tableFloor.ts")], {
      cwd: REPO_ROOT,
      env: { ...commonEnv, BENCH_JOBS: String(jobs), BENCH_WARMUP: "20", BENCH_OUT: outFile },
      stdio: ["ignore", "ignore", "inherit"],
    });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`table floor exited ${code}`))));
  });
  return JSON.parse(readFileSync(outFile, "utf8")) as { latencies: number[]; firstRound: number[] };
}

/** The worker floor (bench/workerFloor.cjs) once, in a fresh process, minus its model's time to first token. */
async function floorRun(): Promise<number> {
  const outFile = join(work, `floor-${randomUUID()}.json`);
  const modelIndex = floorModel.firstTokenMs.length;
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, [join(REPO_ROOT, "bench", "workerFloor.cjs")], {
      env: { PATH: commonEnv.PATH, NODE_PATH: LAYER_BUNDLED, OPENAI_BASE_URL: floorModel.baseUrl, BENCH_QUESTION: WORDS_QUESTION, BENCH_OUT: outFile },
      stdio: ["ignore", "ignore", "inherit"],
    });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker floor exited ${code}: ${readFileSync(outFile, "utf8")}`))));
  });
  const { firstWordsMs } = JSON.parse(readFileSync(outFile, "utf8")) as { firstWordsMs: number };
  return firstWordsMs - floorModel.firstTokenMs[modelIndex]!;
}

function target(value: number, rule: "≤" | "≥", bound: number) {
  return { value: round(value, 2), rule, bound, met: rule === "≤" ? value <= bound : value >= bound };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function table(r: typeof result): string {
  const ratio = (a: number, b: number) => (b > 0 ? `${round(a / b, 1)}×` : "–");
  const kb = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
  const rows: [string, string, string, string][] = [
    ["measure", "ours", "naive baseline", "baseline ÷ ours"],
    ["bytes loaded at cold start, edge", kb(r.bytes.edge), kb(r.bytes.baseline), ratio(r.bytes.baseline, r.bytes.edge)],
    ["bytes loaded at cold start, worker", kb(r.bytes.worker), "(same process)", ""],
    ["zip: edge / worker / layer", `${kb(r.bytes.function_zip)} / ${kb(r.bytes.worker_zip)} / ${kb(r.bytes.layer)}`, "", ""],
    [
      `edge cold start, as in prod (one round trip: the Invoke), median (empty handler: ${r.edge_cold_ms.empty} ms)`,
      `${r.edge_cold_ms.ours} ms`,
      `${r.edge_cold_ms.baseline} ms`,
      ratio(r.edge_cold_ms.baseline, r.edge_cold_ms.ours),
    ],
    [`  realistic floor: node:crypto + one HTTP POST, median`, `${r.edge_cold_ms.floor} ms`, "", ""],
    [
      `edge cold start, p90 (empty: ${r.edge_cold_p90_ms.empty} ms)`,
      `${r.edge_cold_p90_ms.ours} ms`,
      `${r.edge_cold_p90_ms.baseline} ms`,
      ratio(r.edge_cold_p90_ms.baseline, r.edge_cold_p90_ms.ours),
    ],
    ["worker cold start, median: layer pre-bundled / raw package", `${r.worker_cold_ms.layer_bundled} / ${r.worker_cold_ms.layer_raw} ms`, "", ""],
    ["worker cold start, p90: layer pre-bundled / raw package", `${r.worker_cold_ms.p90_bundled} / ${r.worker_cold_ms.p90_raw} ms`, "", ""],
    [
      `ack latency warm, p50 (model ${MODEL_DELAY_MS} ms)`,
      `${r.ack_ms.ours_p50} ms`,
      `${r.ack_ms.baseline_p50} ms`,
      ratio(r.ack_ms.baseline_p50, r.ack_ms.ours_p50),
    ],
    [
      `ack latency warm, p99 (empty handler p99: ${r.ack_ms.empty_p99} ms)`,
      `${r.ack_ms.ours_p99} ms`,
      `${r.ack_ms.baseline_p99} ms`,
      ratio(r.ack_ms.baseline_p99, r.ack_ms.ours_p99),
    ],
    ["warm edge overhead excl. its round trip (the Invoke), p50 / p99", `${r.edge_overhead_ms.p50} / ${r.edge_overhead_ms.p99} ms`, "", ""],
    ["warm edge logic alone (no I/O: parse, checks, signing), p50 / p99", `${r.edge_logic_ms.p50} / ${r.edge_logic_ms.p99} ms`, "", ""],
    [
      "  (the loopback round trip itself: the Invoke, p50 / p99)",
      `${r.edge_overhead_ms.invoke_round_trip_p50} / ${r.edge_overhead_ms.invoke_round_trip_p99} ms`,
      "",
      "",
    ],
    [
      `first words, fresh edge and worker, excl. the model's time to first token (worker floor: ${r.worker_floor_ms} ms)`,
      `${r.first_words_ms.cold_overhead} ms`,
      "",
      `${ratio(r.first_words_ms.cold_overhead, r.worker_floor_ms)} floor`,
    ],
    [
      "first words, warm edge and worker, excl. the model's time to first token, p50 / p99",
      `${r.first_words_ms.warm_overhead_p50} / ${r.first_words_ms.warm_overhead_p99} ms`,
      "",
      "",
    ],
    [
      "worker overhead excl. model (job claim, budget reserve + settle on the table), p50 / p99",
      `${r.worker_overhead_ms.p50} / ${r.worker_overhead_ms.p99} ms`,
      "",
      "",
    ],
    [
      "  worker table floor: a job's eight writes alone, in the worker's three rounds, p50 / p99",
      `${r.worker_table_floor_ms.p50} / ${r.worker_table_floor_ms.p99} ms`,
      "",
      "",
    ],
    [
      "  its first round alone (the claim and the holds, before any model call), p50 / p99",
      `${r.worker_table_floor_ms.first_round_p50} / ${r.worker_table_floor_ms.first_round_p99} ms`,
      "",
      "",
    ],
    [
      "personal-data guard on 10 KB of Korean text, warm, p50 / p99 (target < 1 ms)",
      `${r.personal_data_guard_ms.per_10kb_p50} / ${r.personal_data_guard_ms.per_10kb_p99} ms`,
      "",
      "",
    ],
    [
      "answer through the endpoint loop, warm, p50: one endpoint / two healthy (cooldowns read, cached)",
      `${r.model_endpoints_ms.single.p50} / ${r.model_endpoints_ms.listedHealthy.p50} ms`,
      "",
      "",
    ],
    [
      "  first endpoint refuses connections / answers 503, then the next answers, p50",
      `${r.model_endpoints_ms.firstRefused.p50} / ${r.model_endpoints_ms.first503.p50} ms`,
      "",
      "",
    ],
    [
      "  SigV4 signing of an aws endpoint's request (4 KB prompt), p50 / p99",
      `${r.model_endpoints_ms.awsSigningMs.p50} / ${r.model_endpoints_ms.awsSigningMs.p99} ms`,
      "",
      "",
    ],
    [
      "peak RSS, edge cold / worker",
      `${r.peak_rss_mb.edge} / ${r.peak_rss_mb.worker} MB`,
      `${r.peak_rss_mb.baseline} MB`,
      ratio(r.peak_rss_mb.baseline, r.peak_rss_mb.edge),
    ],
    [
      `dev server ack, ${r.load.sequential_commands} commands one at a time, p50 / p99`,
      `${r.load.sequential_ack_p50_ms} / ${r.load.sequential_ack_p99_ms} ms`,
      "",
      "",
    ],
    [
      `load: ${r.load.sent} at concurrency ${r.load.concurrency}, ack p50 / p99 / max`,
      `${r.load.ack_p50_ms} / ${r.load.ack_p99_ms} / ${r.load.ack_max_ms} ms`,
      "",
      "",
    ],
    ["load: delivered / lost / duplicated", `${r.load.delivered} / ${r.load.lost} / ${r.load.duplicated}`, "", ""],
    [
      `saturation: ${r.saturation.sent} at concurrency ${r.saturation.concurrency}, ${SATURATION.workers} workers, ${SATURATION.maxEventAgeSeconds} s max wait: ack p50 / p99 / max`,
      `${r.saturation.ack_p50_ms} / ${r.saturation.ack_p99_ms} / ${r.saturation.ack_max_ms} ms`,
      "",
      "",
    ],
    [
      "saturation: answered + busy = sent; lost / duplicated",
      `${r.saturation.answered} + ${r.saturation.busy} = ${r.saturation.answered + r.saturation.busy}; ${r.saturation.lost} / ${r.saturation.duplicated}`,
      "",
      "",
    ],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [
    `machine: ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}${r.machine.quick ? " (--quick)" : ""}; Node boot (excluded above): ${r.node_boot_ms} ms`,
    "",
    line(rows[0]!),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}
