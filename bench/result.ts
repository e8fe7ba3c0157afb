import { cpus } from "node:os";
import { deterministicZip } from "../stacks/assets/deterministicZip.js";
import type { Bench } from "./benchSetup.js";
import type { failoverTimes } from "./failover.js";
import type { loadThroughDevServer } from "./loadRun.js";
import type { ChildResult } from "./processes.js";
import { median, percentile, round, target } from "./stats.js";

/** What one run measured, before it is summarized. */
export interface Measurements {
  readonly cold: Record<string, ChildResult[]>;
  readonly coldWords: number[];
  readonly workerFloor: number[];
  readonly warmEmpty: ChildResult;
  readonly warmOurs: ChildResult;
  readonly warmBaseline: ChildResult;
  readonly overheads: number[];
  readonly tableFloor: { latencies: number[]; firstRound: number[] };
  readonly warmWords: number[];
  readonly edgeLogic: number[];
  readonly guardCost: number[];
  readonly endpoints: Awaited<ReturnType<typeof failoverTimes>>;
  readonly load: Awaited<ReturnType<typeof loadThroughDevServer>>;
  readonly saturation: Awaited<ReturnType<typeof loadThroughDevServer>>;
}

export type BenchResult = ReturnType<typeof benchResult>["result"];

/** The run's figures (the JSON `npm run bench -- --json` prints) and the targets it checks, as ratios within this one run. */
export function benchResult(bench: Bench, m: Measurements) {
  const {
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
  } = m;
  const quick = bench.quick;
  const edgeFiles = bench.files.edge;
  const workerFiles = bench.files.worker;
  const layerFiles = bench.files.layer;
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
  return { result, targets };
}
