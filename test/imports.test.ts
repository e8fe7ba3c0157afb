import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stacks/assets/buildHandler.js";

/** Every source file of the tree that ships or is run: the handler, the stacks and their tools, the bench. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sources(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** The files a source imports (types included: a type-only circle still ties two files together). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|import\("(\.{1,2}\/[^"]+)"\)/g)].map((match) =>
    resolve(dirname(file), (match[1] ?? match[2]!).replace(/\.js$/, ".ts")),
  );
}

/** The first import circle found, as the files around it; none: undefined. */
export function firstCircle(files: readonly string[]): string[] | undefined {
  const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of files) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

describe("the tree's source files", () => {
  const files = ["handler", "stacks", "bench"].flatMap((folder) => sources(join(REPO_ROOT, folder)));

  it("form no circle: each file can be read knowing only what it imports", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(firstCircle(files)?.map((file) => relative(REPO_ROOT, file))).toBeUndefined();
  });

  it("no source file, tests included, is over 300 lines: each holds one idea a reader takes in at once", () => {
    const tests = sources(join(REPO_ROOT, "test")).filter((file) => !file.includes(`${join("test", "fixtures")}`));
    const long = [...files, ...tests]
      .map((file) => [relative(REPO_ROOT, file), readFileSync(file, "utf8").split("\n").length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });

  it("the check finds a circle where there is one", () => {
    const made = ["a.ts", "b.ts"].map((name) => join(REPO_ROOT, "test", "fixtures", "circle", name));
    expect(firstCircle(made)?.map((file) => relative(REPO_ROOT, file))).toEqual([
      "test/fixtures/circle/a.ts",
      "test/fixtures/circle/b.ts",
      "test/fixtures/circle/a.ts",
    ]);
  });
});
