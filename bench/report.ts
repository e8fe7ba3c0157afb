import type { BenchResult } from "./result.js";
import { MODEL_DELAY_MS, SATURATION } from "./benchSetup.js";
import { round } from "./stats.js";

/** The run as the table docs/benchmark.md shows. */
export function renderTable(r: BenchResult): string {
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
