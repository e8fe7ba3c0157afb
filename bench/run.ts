import { startBench, MODEL_DELAY_MS, SATURATION } from "./benchSetup.js";
import { failoverTimes } from "./failover.js";
import { firstWords } from "./firstWords.js";
import { edgeLogicAlone, personalDataGuardCost } from "./inProcess.js";
import { loadThroughDevServer } from "./loadRun.js";
import { child, floorRun, served, tableFloorRun, type ChildResult } from "./processes.js";
import { renderTable } from "./report.js";
import { benchResult } from "./result.js";

/**
 * `npm run bench [-- --quick] [-- --json]`: our handler against the naive baseline (bench/baseline), both measured
 * in this run, interleaved, with the fake model and Dooray receiver of test/support on loopback (docs/benchmark.md).
 * This file is the run's order; benchSetup.ts builds what ships and starts the peers, processes.ts runs the child
 * processes, result.ts and report.ts summarize and print.
 */
const quick = process.argv.includes("--quick");
const asJson = process.argv.includes("--json");
const say = (line: string) => (asJson ? process.stderr : process.stdout).write(line + "\n");

const bench = await startBench(quick);
const { paths, quickModel, slowModel, n: N } = bench;

// ── 1. cold starts, interleaved rounds ──
say(`cold starts: ${N.coldRounds} rounds of fresh processes…`);
const cold: Record<string, ChildResult[]> = { empty: [], floor: [], edge: [], baseline: [], workerBundled: [], workerRaw: [] };
const coldWords: number[] = [];
const workerFloor: number[] = [];
for (let round = 0; round < N.coldRounds; round++) {
  cold.empty!.push(await child(bench, paths.empty, "cold", [bench.edgeEvent()], {}));
  cold.floor!.push(await child(bench, paths.floor, "cold", [bench.edgeEvent()], {}));
  // As deployed in prod: budgets on. The edge reads no budget before its Invoke (the worker's reservation decides).
  cold.edge!.push(await child(bench, paths.ours, "cold", [bench.edgeEvent()], { OPENAI_BASE_URL: quickModel.baseUrl }));
  cold.baseline!.push(await child(bench, paths.baseline, "cold", [bench.edgeEvent()], { OPENAI_BASE_URL: quickModel.baseUrl }));
  cold.workerBundled!.push(await child(bench, paths.worker, "cold", [bench.job()], { OPENAI_BASE_URL: quickModel.baseUrl, NODE_PATH: paths.layerBundled }));
  cold.workerRaw!.push(await child(bench, paths.worker, "cold", [bench.job()], { OPENAI_BASE_URL: quickModel.baseUrl, NODE_PATH: paths.layerRaw }));
  workerFloor.push(await floorRun(bench));
  const edge = await served(bench, paths.ours, {});
  const worker = await served(bench, paths.worker, bench.wordsWorkerEnv);
  coldWords.push(await firstWords(bench, edge, worker));
  edge.kill();
  worker.kill();
}
for (const [name, runs] of Object.entries(cold)) {
  const bad = runs.find((run) => run.error);
  if (bad) throw new Error(`${name}: ${bad.error}`);
}

// ── 2. warm acknowledgement latency, model answering in 2 s ──
say(`warm acknowledgements: ${N.warmAcks} ours, ${N.baselineAcks} baseline (model ${MODEL_DELAY_MS} ms)…`);
const warmEmpty = await child(bench, paths.empty, "warm", Array.from({ length: N.warmAcks + 1 }, bench.edgeEvent), {});
const warmOurs = await child(bench, paths.ours, "warm", Array.from({ length: N.warmAcks + 1 }, bench.edgeEvent), { OPENAI_BASE_URL: slowModel.baseUrl });
// The baseline holds each request for the whole answer; 200 at a time keeps the run short without queueing.
const warmBaseline = await child(bench, paths.baseline, "warm", Array.from({ length: N.baselineAcks + 1 }, bench.edgeEvent), {
  OPENAI_BASE_URL: slowModel.baseUrl,
  BENCH_CONCURRENCY: "200",
});

// ── 3. worker overhead: wall time minus the model's own time, streaming on ──
say(`worker overhead: ${N.workerJobs} jobs…`);
const modelStart = quickModel.durationsMs.length;
const worker = await child(bench, paths.worker, "warm", Array.from({ length: N.workerJobs + 1 }, bench.job), {
  OPENAI_BASE_URL: quickModel.baseUrl,
  NODE_PATH: paths.layerBundled,
});
// The first job only warmed the process up.
const modelTimes = quickModel.durationsMs.slice(modelStart + 1);
const overheads = worker.latencies.map((wall, index) => wall - (modelTimes[index] ?? Number.NaN));

// ── 3b. the worker's table writes alone, in its rounds: the part of its overhead that is the table's ──
say(`worker table floor: ${N.workerJobs} jobs' writes alone…`);
const tableFloor = await tableFloorRun(bench, N.workerJobs);

// ── 3a. first words: from the edge receiving a command to the first post with model words, warm ──
say(`first words: ${N.warmWords} commands through warm edge and worker processes…`);
const warmWords: number[] = [];
{
  const edge = await served(bench, paths.ours, {});
  const worker = await served(bench, paths.worker, bench.wordsWorkerEnv);
  await firstWords(bench, edge, worker);
  for (let i = 0; i < N.warmWords; i++) warmWords.push(await firstWords(bench, edge, worker));
  edge.kill();
  worker.kill();
}

// ── 3c. the edge's own logic, no I/O at all: parse, checks, job signature, SigV4 signing of the Invoke ──
say("edge logic alone…");
const edgeLogic = await edgeLogicAlone(quick ? 2_000 : 10_000);
const guardCost = personalDataGuardCost(quick ? 200 : 1_000);

// ── 3d. model endpoints: the failover loop, healthy and when the first endpoint fails ──
say("model endpoints: healthy and failing over…");
const endpoints = await failoverTimes(bench.botTable, quick ? 20 : 100);

// ── 4. load through npm run dev ──
say(`load: ${N.load} commands at concurrency ${N.loadConcurrency} through the dev server…`);
// No ceiling on answers at once, as Lambda scales a worker without reserved concurrency.
const load = await loadThroughDevServer(bench, { WORKER_CONCURRENCY: "1000" }, true);
say(`saturation: ${N.load} commands at concurrency ${N.loadConcurrency}, ${SATURATION.workers} workers, ${SATURATION.maxEventAgeSeconds} s max wait…`);
const saturation = await loadThroughDevServer(
  bench,
  { WORKER_CONCURRENCY: String(SATURATION.workers), MAX_EVENT_AGE_SECONDS: String(SATURATION.maxEventAgeSeconds) },
  false,
);

await bench.close();

const { result, targets } = benchResult(bench, {
  cold,
  coldWords,
  workerFloor,
  warmEmpty,
  warmOurs,
  warmBaseline,
  overheads,
  tableFloor,
  warmWords,
  edgeLogic,
  guardCost,
  endpoints,
  load,
  saturation,
});
if (asJson) {
  process.stdout.write(JSON.stringify({ ...result, targets }) + "\n");
} else {
  say(renderTable(result));
  say("");
  for (const [name, t] of Object.entries(targets)) say(`target ${name}: ${t.value} ${t.rule} ${t.bound}: ${t.met ? "met" : "NOT met"}`);
  // The table's own share, measured in this run: no worker overhead goes below it, however little the worker adds.
  say(`(the table alone: a job's writes p99 ${result.worker_table_floor_ms.p99} ms, their first round p99 ${result.worker_table_floor_ms.first_round_p99} ms)`);
}
process.exit(0);
