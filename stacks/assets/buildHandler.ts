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
 * Bundles one entry (handler/<entry>/index.ts) into one CommonJS file. The `openai` SDK stays outside (it comes
 * from the worker's layer); everything else is small and inside. CommonJS, because the layer's packages are found
 * through NODE_PATH, which `require` honours.
 */
export function buildHandlerBundle(entry: FunctionEntry): HandlerBundle {
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: [`handler/${entry}/index.ts`],
    ...LAMBDA_BUILD,
    external: ["openai"],
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

/** The files of one function's package: the bundle, and a package.json that pins it to CommonJS wherever it sits. */
export function handlerPackageFiles(entry: FunctionEntry): { path: string; content: Buffer }[] {
  return [
    { path: "index.js", content: buildHandlerBundle(entry).code },
    { path: "package.json", content: Buffer.from('{"type":"commonjs"}\n') },
  ];
}
