// A booted Node process for `npm run bench`'s first-words rows, answering events sent over IPC. BENCH_ENTRY is
// loaded only when the first event comes, so Node's own boot is not counted (as in the cold-start rows), and a
// fresh process's first event is a cold start. Each message {id, event} is answered {id, startedAt, endedAt} in
// epoch milliseconds with sub-millisecond precision, comparable with the other processes' clocks.
const epoch = () => performance.timeOrigin + performance.now();
if (process.env.BENCH_QUIET === "1") process.stdout.write = () => true;
const context = { getRemainingTimeInMillis: () => 120000, awsRequestId: "bench" };
let handler;
process.on("message", async ({ id, event }) => {
  const startedAt = epoch();
  try {
    handler ??= require(process.env.BENCH_ENTRY).handler;
    await handler(event, context);
    process.send({ id, startedAt, endedAt: epoch() });
  } catch (error) {
    process.send({ id, startedAt, endedAt: epoch(), error: String(error && error.stack) });
  }
});
process.send({ ready: true });
