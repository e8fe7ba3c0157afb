import { buildSync } from "esbuild";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

/**
 * Bundles the Lambda entry into one CommonJS file. The `openai` SDK stays outside (it comes from the layer, and
 * only the worker path loads it); everything else the handler uses is small and inside. CommonJS, because the
 * layer's packages are found through NODE_PATH, which `require` honours.
 */
export function buildHandlerBundle(): Buffer {
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: ["handler/index.ts"],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["openai"],
    // import("openai") becomes require("openai"): Lambda finds layer packages through NODE_PATH, which only
    // require honours; a real dynamic import of a bare name would not find the layer.
    supported: { "dynamic-import": false },
    minify: true,
    // Error class names appear in the logs.
    keepNames: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** The files of the function package: the bundle, and a package.json that pins it to CommonJS wherever it sits. */
export function handlerPackageFiles(): { path: string; content: Buffer }[] {
  return [
    { path: "index.js", content: buildHandlerBundle() },
    { path: "package.json", content: Buffer.from('{"type":"commonjs"}\n') },
  ];
}
