// Plays Dooray under load for `npm run bench`, in a process of its own so the fake model and receiver (in the
// bench process) do not slow the client down: BENCH_COUNT commands, BENCH_CONCURRENCY at a time, to BENCH_URL,
// each with its own responseUrl under BENCH_HOOK_BASE. Writes {hookIds, acks, failures} to BENCH_OUT.
const http = require("node:http");
const { randomUUID } = require("node:crypto");
const { writeFileSync } = require("node:fs");

const count = Number(process.env.BENCH_COUNT);
const concurrency = Number(process.env.BENCH_CONCURRENCY);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function command(hookId) {
  const body = JSON.stringify({
    tenantId: "1234567891234567891",
    tenantDomain: "guide.dooray.com",
    channelId: "2345678912345678912",
    userId: "3456789123456789123",
    command: "/gpt",
    text: `질문 ${hookId}`,
    responseUrl: `${process.env.BENCH_HOOK_BASE}/${hookId}`,
    appToken: process.env.BENCH_TOKEN,
    triggerId: "1.bench",
  });
  return new Promise((resolve, reject) => {
    const request = http.request(
      process.env.BENCH_URL,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function main() {
  const hookIds = [];
  const acks = [];
  let failures = 0;
  let next = 0;
  async function lane() {
    while (next < count) {
      next++;
      const hookId = randomUUID();
      hookIds.push(hookId);
      const started = performance.now();
      const status = await command(hookId).catch(() => 0);
      acks.push(performance.now() - started);
      if (status !== 200) failures++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ hookIds, acks, failures }));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
