import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../stacks/assets/buildHandler.js";

const SOURCES = ["handler", "stacks", "cdktf.json", "package.json", "tsconfig.json"];

/** A second checkout of the sources in another folder (node_modules shared), synthesized with the plain command. */
function cloneAndSynth(edit?: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), "dooray-gpt-clone-"));
  for (const source of SOURCES) cpSync(join(REPO_ROOT, source), join(root, source), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  edit?.(root);
  execFileSync(join(root, "node_modules", ".bin", "tsx"), ["stacks/main.ts"], { cwd: root, stdio: "pipe" });
  return join(root, "cdktf.out");
}

function filesUnder(dir: string): Record<string, Buffer> {
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
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}/${key}`));
}

describe("synthesis is deterministic", () => {
  let first: Record<string, Buffer>;
  let second: Record<string, Buffer>;
  beforeAll(() => {
    first = filesUnder(cloneAndSynth());
    second = filesUnder(cloneAndSynth());
  });

  it("gives byte-identical cdk.tf.json and asset zips in two clones in different folders", () => {
    const interesting = Object.keys(first).filter((path) => path.endsWith("cdk.tf.json") || path.endsWith(".zip"));
    expect(interesting.filter((path) => path.endsWith(".zip")).length).toBe(4); // handler + layer, dev + prod
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    for (const path of interesting) expect(second[path]!.equals(first[path]!), path).toBe(true);
  });

  it("a changed handler changes only the function's code (its zip path and hash), nothing else", () => {
    const changed = filesUnder(
      cloneAndSynth((root) => {
        const file = join(root, "handler", "messages.ts");
        writeFileSync(file, readFileSync(file, "utf8").replace("답변을 준비하고 있어요", "답변을 만들고 있어요"));
      }),
    );
    const before = JSON.parse(first["stacks/dooray-gpt-dev/cdk.tf.json"]!.toString()) as unknown;
    const after = JSON.parse(changed["stacks/dooray-gpt-dev/cdk.tf.json"]!.toString()) as unknown;
    expect(differences(before, after).map((path) => path.replace(/_[0-9A-F]{8}\//, "/"))).toEqual([
      "/resource/aws_lambda_function/bot_function/filename",
      "/resource/aws_lambda_function/bot_function/source_code_hash",
    ]);
  });
});
