// One cold run of BENCH_ENTRY in a fresh process, for `npm run bench:cold-path`: when the bundle was loaded, and
// when each HTTP call it made started and ended (Node's diagnostics channels: node:http for AWS and Dooray, undici
// for the openai SDK's fetch), in milliseconds from just before the load. Writes one JSON object to BENCH_OUT.
const { readFileSync, writeFileSync } = require("node:fs");
const dc = require("node:diagnostics_channel");

const event = JSON.parse(readFileSync(process.env.BENCH_EVENTS, "utf8"))[0];
if (process.env.BENCH_QUIET === "1") process.stdout.write = () => true;
const calls = [];
const started = new WeakMap();
const at = () => performance.now() - t0;
const nameOf = (request) =>
  String(request.getHeader("x-amz-target") || request.path)
    .replace("DynamoDB_20120810.", "")
    .replace(/\/hook\/.*/, "/hook");
dc.subscribe("http.client.request.start", ({ request }) => started.set(request, at()));
dc.subscribe("http.client.response.finish", ({ request }) => calls.push({ call: nameOf(request), start: started.get(request), end: at() }));
dc.subscribe("undici:request:create", ({ request }) => started.set(request, at()));
dc.subscribe("undici:request:headers", ({ request }) => calls.push({ call: `fetch ${request.path}`, start: started.get(request), end: at() }));

const t0 = performance.now();
const { handler } = require(process.env.BENCH_ENTRY);
const loadedMs = at();
handler(event, { getRemainingTimeInMillis: () => 120000 }).then(
  () => {
    writeFileSync(process.env.BENCH_OUT, JSON.stringify({ loadedMs, endMs: at(), calls }));
    process.exit(0);
  },
  (error) => {
    writeFileSync(process.env.BENCH_OUT, JSON.stringify({ error: String(error && error.stack) }));
    process.exit(1);
  },
);
