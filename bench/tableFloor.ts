// The worker's table writes alone, for `npm run bench` (row "worker table floor"): run in a process of its own, as
// the worker is, with `node --import tsx`. Each job makes the writes an answered question makes, with the store's
// own functions and in the worker's rounds, and nothing else (no model, no Dooray, no job to verify):
//   1. the claim and the two holds, side by side;
//   2. the two settlements, the stored turn and the person's index, side by side;
//   3. the finished mark.
// Writes BENCH_OUT: { latencies, firstRound } in milliseconds (the whole job, and its first round: what stands
// between a job's start and its model call), the first BENCH_WARMUP jobs left out. Whatever the worker adds on
// top of this is ours; this much is the table's (dynalite here, DynamoDB in AWS).
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { dynamoCall } from "../handler/aws/dynamodb.js";
import { placeHolds, settle } from "../handler/store/budgets.js";
import { indexConversation, saveConversation } from "../handler/store/conversations.js";
import { claimJob, markFinished } from "../handler/store/jobClaims.js";

const table = { call: dynamoCall(process.env), table: process.env.BOT_TABLE! };
const jobs = Number(process.env.BENCH_JOBS);
const warmup = Number(process.env.BENCH_WARMUP);
const limits = { user: 200_000, channel: 2_000_000 };
const day = "2026-12-01";
const latencies: number[] = [];
const firstRound: number[] = [];
for (let index = 0; index < warmup + jobs; index++) {
  const jobId = randomUUID();
  const owner = { tenantId: "1", channelId: "2", userId: randomUUID() };
  const now = Math.floor(Date.now() / 1000);
  const started = performance.now();
  await Promise.all([claimJob(table, jobId, "bench", now), placeHolds(table, owner, day, { jobId, tokens: 1_000 }, limits, now)]);
  const claimedAndHeld = performance.now();
  await Promise.all([
    settle(table, owner, day, { jobId, usedTokens: 400, reservedTokens: 1_000, answered: true }, now),
    // As recordTurn does: the person's index entry first, then the conversation (never one without the other).
    indexConversation(table, { id: jobId, ...owner }, now, {}, Date.now()).then(() =>
      saveConversation(table, { id: jobId, ...owner, firstTurn: 0, turns: [{ question: "질문", answer: "답변", jobId }], version: 0 }, now),
    ),
  ]);
  await markFinished(table, jobId, "answered", now);
  if (index >= warmup) {
    latencies.push(performance.now() - started);
    firstRound.push(claimedAndHeld - started);
  }
}
writeFileSync(process.env.BENCH_OUT!, JSON.stringify({ latencies, firstRound }));
