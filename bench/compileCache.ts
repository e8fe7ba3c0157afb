import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openaiLayerFiles } from "../stacks/assets/buildOpenAILayer.js";
import { median } from "./stats.js";

/**
 * `npm run bench:compile-cache`: the trial of a V8 compile cache for the worker's layer (Node 22's
 * `module.enableCompileCache`). It builds the shipped layer, makes a cache for it the way a synth would (load the
 * SDK once with the cache on, then flush), and loads the SDK in fresh processes with and without the cache,
 * interleaved. It prints the medians, the cache's bytes, and the key Node files the cache under (the Node version
 * and the CPU architecture): a cache is only ever read by a Node of that same version on that same architecture.
 */
const ROUNDS = process.argv.includes("--quick") ? 7 : 21;
const work = mkdtempSync(join(tmpdir(), "dooray-gpt-compile-cache-"));
for (const file of openaiLayerFiles()) {
  mkdirSync(join(work, "opt", file.path, ".."), { recursive: true });
  writeFileSync(join(work, "opt", file.path), file.content);
}
const nodePath = join(work, "opt", "nodejs", "node_modules");
const cacheDir = join(work, "cache");
const loader = join(work, "load.cjs");
writeFileSync(
  loader,
  `const m = require("node:module");
const started = performance.now();
if (process.env.CACHE_DIR) m.enableCompileCache(process.env.CACHE_DIR);
const { default: OpenAI } = require("openai");
new OpenAI({ apiKey: "sk-trial", baseURL: "http://127.0.0.1:9/v1" });
const loadMs = performance.now() - started;
if (process.env.FLUSH) m.flushCompileCache();
require("node:fs").writeFileSync(process.env.OUT, JSON.stringify({ loadMs }));
`,
);

const run = async (env: Record<string, string>): Promise<number> => {
  const out = join(work, `out-${Math.random()}.json`);
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, [loader], {
      env: { PATH: process.env.PATH ?? "", NODE_PATH: nodePath, OUT: out, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    proc.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`loader exited ${code}`))));
  });
  return (JSON.parse(readFileSync(out, "utf8")) as { loadMs: number }).loadMs;
};

await run({ CACHE_DIR: cacheDir, FLUSH: "1" });
const without: number[] = [];
const withCache: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  without.push(await run({}));
  withCache.push(await run({ CACHE_DIR: cacheDir }));
}
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
const bytes = files(cacheDir).reduce((sum, file) => sum + statSync(file).size, 0);
const result = {
  rounds: ROUNDS,
  sdk_load_ms: { without_cache: Math.round(median(without) * 10) / 10, with_cache: Math.round(median(withCache) * 10) / 10 },
  cache_bytes: bytes,
  cache_key: readdirSync(cacheDir)[0],
  this_machine: `${process.version.slice(1)}-${process.arch}`,
};
process.stdout.write(JSON.stringify(result, null, 2) + "\n");
