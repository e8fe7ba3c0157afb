// Runs inside a fresh Node process for `npm run bench`, so a cold start is really cold. Plain CommonJS: nothing
// between Node and the file under test. Writes one JSON object to BENCH_OUT.
//   BENCH_MODE=cold    load BENCH_ENTRY, answer BENCH_EVENTS[0] once
//   BENCH_MODE=warm    load once, answer the first event to warm up, then every other (BENCH_CONCURRENCY at a
//                      time), reporting each latency
const { readFileSync } = require("node:fs");

async function main() {
  const mode = process.env.BENCH_MODE;
  const events = JSON.parse(readFileSync(process.env.BENCH_EVENTS, "utf8"));
  const context = { getRemainingTimeInMillis: () => 120000, awsRequestId: "bench" };
  // Silence the handler's logs (they would otherwise dominate a warm loop on a terminal).
  if (process.env.BENCH_QUIET === "1") process.stdout.write = () => true;
  const bootMs = performance.now();
  const t0 = performance.now();
  const { handler } = require(process.env.BENCH_ENTRY);
  const loadedMs = performance.now() - t0;
  if (mode === "cold") {
    const result = await handler(events[0], context);
    const coldMs = performance.now() - t0;
    return {
      bootMs,
      loadedMs,
      coldMs,
      status: result && result.statusCode,
      rssKb: process.resourceUsage().maxRSS,
      loadedBytes: loadedBytes(),
      loadedFiles: loadedFiles(),
    };
  }
  // Time spent waiting on HTTP calls the handler makes (Lambda Invoke, in the edge's case), seen through Node's
  // own diagnostics channels, so the handler's own overhead can be told apart from the network's.
  let networkMs = 0;
  const dc = require("node:diagnostics_channel");
  const started = new WeakMap();
  dc.subscribe("http.client.request.start", ({ request }) => started.set(request, performance.now()));
  dc.subscribe("http.client.response.finish", ({ request }) => {
    if (started.has(request)) networkMs += performance.now() - started.get(request);
  });
  // The first event warms the process up (lazy modules, JIT); it is answered but not counted.
  await handler(events[0], context);
  const latencies = new Array(events.length - 1);
  const ownMs = new Array(events.length - 1);
  let next = 1;
  const concurrency = Number(process.env.BENCH_CONCURRENCY || 1);
  const statuses = {};
  async function lane() {
    while (next < events.length) {
      const index = next++;
      const start = performance.now();
      const networkBefore = networkMs;
      const result = await handler(events[index], context);
      latencies[index - 1] = performance.now() - start;
      // Meaningful with one lane only (concurrent calls would mix their network time).
      ownMs[index - 1] = latencies[index - 1] - (networkMs - networkBefore);
      const status = String(result && result.statusCode);
      statuses[status] = (statuses[status] || 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { latencies, ownMs, statuses, rssKb: process.resourceUsage().maxRSS };
}

/** Every JavaScript file the handler made this process load (the require cache, this script aside). */
function loadedFiles() {
  return Object.keys(require.cache).filter((file) => file !== __filename);
}

/** Their bytes: what a cold start reads and parses. */
function loadedBytes() {
  const { statSync } = require("node:fs");
  return loadedFiles().reduce((sum, file) => {
    try {
      return sum + statSync(file).size;
    } catch {
      return sum;
    }
  }, 0);
}

main().then(
  (result) => {
    require("node:fs").writeFileSync(process.env.BENCH_OUT, JSON.stringify(result));
    process.exit(0);
  },
  (error) => {
    require("node:fs").writeFileSync(process.env.BENCH_OUT, JSON.stringify({ error: String(error && error.stack) }));
    process.exit(1);
  },
);
