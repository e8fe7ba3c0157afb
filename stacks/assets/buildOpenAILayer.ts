import { buildSync } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAMBDA_BUILD, REPO_ROOT } from "./buildHandler.js";

/**
 * The layer's files: the `openai` SDK installed from the lockfile, pre-bundled by esbuild into one CommonJS file
 * at nodejs/node_modules/openai/index.js. Measured (npm run bench): loading the bundled file costs a fraction of
 * loading the package's ~hundreds of small modules, so the worker's cold start is shorter.
 */
let built: { path: string; content: Buffer }[] | undefined;

/**
 * The layer's files, built once per process (the SDK in node_modules does not change while it runs; each synth of
 * each stack asks for them, and a build takes ≈0.4 s).
 */
export function openaiLayerFiles(): { path: string; content: Buffer }[] {
  built ??= buildLayerFiles();
  return built;
}

function buildLayerFiles(): { path: string; content: Buffer }[] {
  const packageDir = join(REPO_ROOT, "node_modules", "openai");
  const { version, license } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string; license: string };
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    stdin: { contents: 'module.exports = require("openai");', resolveDir: REPO_ROOT, loader: "js" },
    ...LAMBDA_BUILD,
    legalComments: "inline",
    write: false,
    logLevel: "silent",
  });
  const dir = "nodejs/node_modules/openai";
  return [
    { path: `${dir}/index.js`, content: Buffer.from(result.outputFiles[0]!.contents) },
    {
      path: `${dir}/package.json`,
      content: Buffer.from(JSON.stringify({ name: "openai", version, license, main: "index.js", type: "commonjs" }, null, 2) + "\n"),
    },
    { path: `${dir}/LICENSE`, content: readFileSync(join(packageDir, "LICENSE")) },
  ];
}
