import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

const SOURCES = ["handler", "stacks", "cdktf.json", "package.json", "tsconfig.json"];

/** A second checkout of the sources in another folder (node_modules shared); returns its root. */
export function cloneSources(edit?: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), "dooray-gpt-clone-"));
  for (const source of SOURCES) cpSync(join(REPO_ROOT, source), join(root, source), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  edit?.(root);
  return root;
}

/** A second checkout, synthesized with the plain command; returns its cdktf.out. */
export function cloneAndSynth(edit?: (root: string) => void): string {
  const root = cloneSources(edit);
  execFileSync(join(root, "node_modules", ".bin", "tsx"), ["stacks/main.ts"], { cwd: root, stdio: "pipe" });
  return join(root, "cdktf.out");
}

export function filesUnder(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path);
    }
  };
  walk(dir);
  return files;
}

/** Leaf paths where two JSON documents differ. */
export function differences(a: unknown, b: unknown, path = ""): string[] {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`));
}

/** A change to how many parts the worker sends at most: the worker's bundle changes, nothing else does. */
export function editWorker(root: string): void {
  const file = join(root, "handler", "worker", "splitAnswer.ts");
  const source = readFileSync(file, "utf8");
  if (!source.includes("export const MAX_PARTS = 10;")) throw new Error("editWorker: MAX_PARTS moved; update this helper");
  writeFileSync(file, source.replace("export const MAX_PARTS = 10;", "export const MAX_PARTS = 11;"));
}
