import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { WORDS_QUESTION, type Bench } from "./benchSetup.js";

/** What bench/child.cjs reports of one process: its boot, load and first answer, and each warm answer after it. */
export interface ChildResult {
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

/** Runs a Node script in a process of its own with the bench's environment, and reads the JSON it writes. */
async function runToFile<T>(bench: Bench, args: string[], env: Record<string, string>, what: string): Promise<T> {
  const outFile = join(bench.work, `out-${randomUUID()}.json`);
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...env, BENCH_OUT: outFile }, stdio: ["ignore", "ignore", "inherit"] });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited ${code}: ${safeRead(outFile)}`))));
  });
  return JSON.parse(readFileSync(outFile, "utf8")) as T;
}

const safeRead = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "(no output)";
  }
};

/** One fresh Node process (the Node running this script: 22 under npm) running `entry` for the given events. */
export function child(bench: Bench, entry: string, mode: "cold" | "warm", events: unknown[], env: Record<string, string>): Promise<ChildResult> {
  const eventsFile = join(bench.work, `events-${randomUUID()}.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  return runToFile<ChildResult>(
    bench,
    [join(REPO_ROOT, "bench", "child.cjs")],
    { ...bench.commonEnv, ...env, BENCH_MODE: mode, BENCH_ENTRY: entry, BENCH_EVENTS: eventsFile },
    `${entry} ${mode}`,
  );
}

/** A booted process (bench/servedChild.cjs) that runs `entry` for each event sent to it; the first is a cold start. */
export async function served(bench: Bench, entry: string, env: Record<string, string>) {
  const proc: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "bench", "servedChild.cjs")], {
    env: { ...bench.commonEnv, ...env, BENCH_ENTRY: entry },
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
export type Served = Awaited<ReturnType<typeof served>>;

/** bench/tableFloor.ts in a process of its own (as the worker is), against the bench's table: its latencies. */
export function tableFloorRun(bench: Bench, jobs: number): Promise<{ latencies: number[]; firstRound: number[] }> {
  return runToFile(
    bench,
    ["--import", "tsx", join(REPO_ROOT, "bench", "tableFloor.ts")],
    { ...bench.commonEnv, BENCH_JOBS: String(jobs), BENCH_WARMUP: "20" },
    "table floor",
  );
}

/** The worker floor (bench/workerFloor.cjs) once, in a fresh process, minus its model's time to first token. */
export async function floorRun(bench: Bench): Promise<number> {
  const modelIndex = bench.floorModel.firstTokenMs.length;
  const { firstWordsMs } = await runToFile<{ firstWordsMs: number }>(
    bench,
    [join(REPO_ROOT, "bench", "workerFloor.cjs")],
    { PATH: bench.commonEnv.PATH!, NODE_PATH: bench.paths.layerBundled, OPENAI_BASE_URL: bench.floorModel.baseUrl, BENCH_QUESTION: WORDS_QUESTION },
    "worker floor",
  );
  return firstWordsMs - bench.floorModel.firstTokenMs[modelIndex]!;
}
