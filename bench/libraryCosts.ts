import { spawn } from "node:child_process";
import { buildSync } from "esbuild";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalTable } from "../handler/dev/localTable.js";
import { LAMBDA_BUILD, REPO_ROOT } from "../stacks/assets/buildHandler.js";
import { median } from "./stats.js";

/**
 * `npm run bench:libraries`: what a library would add to a cold path, measured rather than guessed. Each candidate
 * (bench/libraries/) is bundled as the functions are (esbuild, CommonJS, minified) and run in fresh Node processes,
 * interleaved; the figure is the median time to load the bundle and make its first call (a DynamoDB GetItem
 * against dynalite on loopback, or one metrics log line).
 */
const ROUNDS = process.argv.includes("--quick") ? 7 : 21;
const CANDIDATES = ["nothing", "ownDynamo", "smithySigner", "sdkDynamo", "ownMetrics", "powertoolsMetrics"] as const;

const work = mkdtempSync(join(tmpdir(), "dooray-gpt-libs-"));
const bundles = Object.fromEntries(
  CANDIDATES.map((name) => {
    const result = buildSync({
      absWorkingDir: REPO_ROOT,
      entryPoints: [`bench/libraries/${name}.ts`],
      ...LAMBDA_BUILD,
      write: false,
      logLevel: "silent",
    });
    const file = join(work, `${name}.js`);
    writeFileSync(file, result.outputFiles[0]!.contents);
    return [name, { file, bytes: result.outputFiles[0]!.contents.length }];
  }),
);

const table = await startLocalTable();
const env = {
  PATH: process.env.PATH ?? "",
  BENCH_QUIET: "1",
  BOT_TABLE: table.table,
  AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
  AWS_REGION: "ap-northeast-2",
  AWS_ACCESS_KEY_ID: "AKIABENCH",
  AWS_SECRET_ACCESS_KEY: "bench",
};

async function coldMs(file: string): Promise<number> {
  const events = join(work, "events.json");
  const out = join(work, `out-${Math.random()}.json`);
  writeFileSync(events, "[{}]");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bench", "child.cjs")], {
      env: { ...env, BENCH_MODE: "cold", BENCH_ENTRY: file, BENCH_EVENTS: events, BENCH_OUT: out },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${file}: ${readFileSync(out, "utf8")}`))));
  });
  const result = JSON.parse(readFileSync(out, "utf8")) as { coldMs: number; error?: string };
  if (result.error) throw new Error(result.error);
  return result.coldMs;
}

const runs: Record<string, number[]> = Object.fromEntries(CANDIDATES.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of CANDIDATES) runs[name]!.push(await coldMs(bundles[name]!.file));
}
await table.close();

const row = (name: string) => ({ name, bytes: bundles[name]!.bytes, ms: median(runs[name]!) });
console.log(`cold load + first call, median of ${ROUNDS} fresh processes (Node ${process.versions.node})`);
console.log("candidate".padEnd(22), "bundle bytes".padStart(13), "median ms".padStart(10));
for (const name of CANDIDATES) {
  const { bytes, ms } = row(name);
  console.log(name.padEnd(22), String(bytes).padStart(13), ms.toFixed(1).padStart(10));
}
const diff = (a: string, b: string) => (row(a).ms - row(b).ms).toFixed(1);
console.log(`\nsigner: @smithy/signature-v4 costs ${diff("smithySigner", "ownDynamo")} ms more than ours on the same transport`);
console.log(`client: @aws-sdk/client-dynamodb costs ${diff("sdkDynamo", "ownDynamo")} ms more than ours`);
console.log(`metrics: Powertools Metrics costs ${diff("powertoolsMetrics", "ownMetrics")} ms more than our EMF fields`);
