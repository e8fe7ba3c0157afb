import { buildSync, type Metafile } from "esbuild";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

/** How everything that runs in Lambda is built: one minified CommonJS file for Node 22, class names kept for logs. */
export const LAMBDA_BUILD = { bundle: true, platform: "node", target: "node22", format: "cjs", minify: true, keepNames: true } as const;

/** The two Lambda functions built from this repository, each from its own entry. */
export type FunctionEntry = "edge" | "worker";

export interface HandlerBundle {
  readonly code: Buffer;
  /** The source files inside the bundle, relative to the repository (tests read it: no worker code in the edge). */
  readonly inputs: readonly string[];
}

/**
 * The edge's handlers that a command does not need, each shipped as a file of its own beside index.js and loaded
 * by `import("./name.js")` (a `require` in the bundle) the first time such a request comes: a cold command reads
 * index.js alone. Each is self-contained; what it shares with index.js is pure code, while container state (the
 * runtime, the secrets' cache, the log's redactions) reaches it only through the dependencies it is handed.
 */
export const EDGE_LAZY_HANDLERS = ["handlePress", "handleDialog", "answerUsage", "handleFailedJob"] as const;

/**
 * Bundles one file (handler/<entry>/index.ts, or one of the edge's lazy handlers) into one CommonJS file. The
 * `openai` SDK stays outside (it comes from the worker's layer), and so do the edge's lazy handlers (files of
 * their own); everything else is small and inside. CommonJS, because the layer's packages are found through
 * NODE_PATH, which `require` honours; and because a CommonJS file loads a few milliseconds faster than an ES module
 * (npm run bench).
 */
export function buildHandlerBundle(entry: FunctionEntry, file = "index"): HandlerBundle {
  const key = `${entry}/${file}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = buildBundle(entry, file);
    bundles.set(key, bundle);
  }
  return bundle;
}

/**
 * Bundles built in this process, by entry and file: the sources do not change while a synth (or a test process)
 * runs, and each stack of each synth asks for every bundle. A change to the sources is seen by the next process,
 * which is how `cdktf synth`, `npm run synth` and the tests that edit a copy of the sources run.
 */
const bundles = new Map<string, HandlerBundle>();

function buildBundle(entry: FunctionEntry, file: string): HandlerBundle {
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: [`handler/${entry}/${file}.ts`],
    ...LAMBDA_BUILD,
    // The lazy handlers' imports stay as written: `require("./handlePress.js")` finds the file beside index.js.
    external: ["openai", ...EDGE_LAZY_HANDLERS.map((name) => `./${name}.js`)],
    // import("openai") becomes require("openai"): Lambda finds layer packages through NODE_PATH, which only
    // require honours; a real dynamic import of a bare name would not find the layer.
    supported: { "dynamic-import": false },
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const metafile: Metafile = result.metafile!;
  return { code: Buffer.from(result.outputFiles[0]!.contents), inputs: Object.keys(metafile.inputs).sort() };
}

/** The files of one function's package: the bundle (and the edge's lazy handlers), and a package.json that pins them to CommonJS wherever they sit. */
export function handlerPackageFiles(entry: FunctionEntry): { path: string; content: Buffer }[] {
  const lazy = entry === "edge" ? EDGE_LAZY_HANDLERS.map((file) => ({ path: `${file}.js`, content: buildHandlerBundle(entry, file).code })) : [];
  return [{ path: "index.js", content: buildHandlerBundle(entry).code }, ...lazy, { path: "package.json", content: Buffer.from('{"type":"commonjs"}\n') }];
}
